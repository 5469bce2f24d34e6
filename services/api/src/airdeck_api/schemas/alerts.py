"""Bodies and results of the alert routes. A webhook's secret is write-only: answers say
whether a channel is signed, never with what."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import msgspec

from airdeck_api.schemas.strict import Strict
from airdeck_domain.alerts.preview import Preview
from airdeck_domain.alerts.rules import MAX_NAME, Channel, Condition, Email, Selector, Webhook
from airdeck_domain.models import Page, UnavailableDeployment


class RuleBody(Strict):
    """``POST /alerts/rules`` and ``PUT /alerts/rules/{rule_id}``: a rule's name, what it
    watches, when it fires and where it tells. A DAG selector without a ``deployment`` is
    pinned to the request's (``?deployment=``, the default one when omitted). On a ``PUT``, a
    webhook channel sent without its ``secret`` keeps the secret it had at the same place with
    the same URL."""

    name: Annotated[str, msgspec.Meta(min_length=1, max_length=MAX_NAME)]
    selector: Selector
    conditions: list[Condition]
    channels: list[Channel]


class MuteBody(Strict):
    """``PATCH /alerts/rules/{rule_id}/mute``: a muted rule fires nothing until unmuted."""

    muted: bool


class SnoozeBody(Strict):
    """``PATCH /alerts/rules/{rule_id}/snooze``: fire nothing until ``until`` (with a time
    zone, in the future, at most 30 days ahead); null ends a snooze."""

    until: datetime | None


class ChannelView(msgspec.Struct, kw_only=True):
    """A channel as answers show it: its kind, URL or addresses, and whether it is signed."""

    kind: str
    url: str | None = None
    to: list[str] | None = None
    signed: bool = False


def channel_view(channel: Channel) -> ChannelView:
    """The channel without its secret."""
    if isinstance(channel, Email):
        return ChannelView(kind="email", to=list(channel.to))
    signed = isinstance(channel, Webhook) and bool(channel.secret)
    kind = "webhook" if isinstance(channel, Webhook) else "slack"
    return ChannelView(kind=kind, url=channel.url, signed=signed)


class RuleView(msgspec.Struct, kw_only=True):
    """A stored rule."""

    id: str
    name: str
    selector: Selector
    conditions: list[Condition]
    channels: list[ChannelView]
    muted: bool
    snoozed_until: datetime | None
    created_by: str
    created_at: datetime
    updated_at: datetime
    last_fired_at: datetime | None


class RulePage(Page[RuleView], kw_only=True, rename={"items": "rules"}):
    """One page of the rules the caller may see, oldest first."""

    items: list[RuleView]


class DeliveryView(msgspec.Struct, kw_only=True):
    """One message of one event to one channel: ``status`` is ``pending``, ``sending``,
    ``sent``, ``failed`` or ``dropped``; ``response`` is what the channel answered."""

    id: str
    rule_id: str
    dedup_key: str
    kind: str
    channel_index: int
    channel_kind: str
    deployment: str
    dag_id: str | None
    run_id: str | None
    summary: str
    status: str
    attempts: int
    created_at: datetime
    last_attempt_at: datetime | None
    next_attempt_at: datetime | None
    sent_at: datetime | None
    response_status: int | None
    response: str | None


class DeliveryPage(Page[DeliveryView], kw_only=True, rename={"items": "deliveries"}):
    """One page of deliveries, newest first."""

    items: list[DeliveryView]


class TestMessages(msgspec.Struct, kw_only=True):
    """What a test message to every channel of a rule did, one delivery per channel."""

    deliveries: list[DeliveryView]


class RulePreview(Preview, kw_only=True):
    """``POST /alerts/rules/preview``: how often the rule would have fired in the last 30 days
    (``fired``: null when none of its conditions can be replayed from history, each such one
    named in ``not_replayed``), the newest firings (kind, DAG, run, task, when, why), how many
    DAGs it covers, whether the history read was cut short (``truncated``: the count is then a
    lower bound), and the deployments that could not be read (their DAGs left out)."""

    unavailable: list[UnavailableDeployment] = msgspec.field(default_factory=list)
