"""Alert rules: which DAGs a rule watches (its selector), when it fires (its conditions) and
where it tells (its channels), with the checks a rule passes before it is stored."""

from __future__ import annotations

import ipaddress
import re
from datetime import datetime, time
from typing import Annotated, Literal
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import msgspec

from airdeck_domain.rbac import DagScope, Grant

ConditionKind = Literal[
    "run_failed", "task_failed", "run_duration", "deadline", "run_missing", "component_unhealthy"
]
COMPONENTS = ("scheduler", "db", "dag_processor", "triggerer")
"""The Airflow components a health condition may name (none: any of them)."""
MAX_NAME = 128
MAX_CHANNELS = 10
MAX_CONDITIONS = 10
MAX_MEDIAN_RUNS = 100
HHMM = re.compile(r"^([01]\d|2[0-3]):([0-5]\d)$")
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
LOCAL_NAMES = ("localhost", ".localhost", ".local", ".internal", ".localdomain")
"""Host names that only ever mean this machine or its private network."""


class Selector(msgspec.Struct, frozen=True, kw_only=True, omit_defaults=True):
    """The DAGs a rule watches: every DAG matching all the fields set (at least one must be).
    ``deployment`` alone watches a whole deployment (and its health)."""

    deployment: Annotated[str, msgspec.Meta(max_length=64)] | None = None
    dag_id: Annotated[str, msgspec.Meta(max_length=250)] | None = None
    tag: Annotated[str, msgspec.Meta(max_length=128)] | None = None
    team: Annotated[str, msgspec.Meta(max_length=128)] | None = None
    environment: Annotated[str, msgspec.Meta(max_length=64)] | None = None

    @property
    def selects(self) -> bool:
        """Whether any field is set (a selector setting none matches nothing)."""
        return any(
            v is not None
            for v in (self.deployment, self.dag_id, self.tag, self.team, self.environment)
        )

    def matches(self, dag: DagScope) -> bool:
        """Whether the DAG is one the rule watches."""
        return (
            self.selects
            and (self.deployment is None or self.deployment == dag.deployment)
            and (self.dag_id is None or self.dag_id == dag.dag_id)
            and (self.tag is None or self.tag in dag.tags)
            and (self.team is None or self.team == dag.owner_team)
            and (self.environment is None or self.environment == dag.environment)
        )

    def watches_deployment(self, deployment: str) -> bool:
        """Whether the rule's health conditions concern ``deployment``."""
        return self.deployment is None or self.deployment == deployment

    def within(self, grant: Grant) -> bool:
        """Whether every DAG this selector can match is one ``grant`` matches: each selector
        the grant sets, the rule sets to the same value."""
        return grant.selects and all(
            mine is not None and mine == theirs
            for mine, theirs in (
                (self.tag, grant.tag),
                (self.team, grant.owner_team),
                (self.environment, grant.environment),
                (self.deployment, grant.deployment),
            )
            if theirs is not None
        )

    def describe(self) -> str:
        """``dag_id=etl team=finance`` style text."""
        return " ".join(
            f"{name}={value}"
            for name, value in (
                ("deployment", self.deployment),
                ("dag_id", self.dag_id),
                ("tag", self.tag),
                ("team", self.team),
                ("environment", self.environment),
            )
            if value is not None
        )


class RunFailed(msgspec.Struct, frozen=True, kw_only=True, tag="run_failed", tag_field="kind"):
    """A run of a watched DAG ended ``failed``."""


class TaskFailed(msgspec.Struct, frozen=True, kw_only=True, tag="task_failed", tag_field="kind"):
    """A task instance ended ``failed`` (Airflow sets it only once its retries are spent)."""


class RunDuration(msgspec.Struct, frozen=True, kw_only=True, tag="run_duration", tag_field="kind"):
    """A run (running or finished) took longer than ``above_seconds``, or longer than
    ``median_factor`` x the median of the DAG's last ``median_runs`` successful runs (judged
    once ``min_history`` of them exist). Either limit alone is enough to fire."""

    above_seconds: float | None = None
    median_factor: float | None = None
    median_runs: int = 20
    min_history: int = 3


class Deadline(msgspec.Struct, frozen=True, kw_only=True, tag="deadline", tag_field="kind"):
    """No run of the DAG succeeded between the day's start and ``at`` (HH:MM) in ``timezone``,
    on a day its schedule runs."""

    at: str
    timezone: str = "UTC"

    def time_of_day(self) -> time:
        """``at`` as a time (the rule was checked with ``rule_errors``)."""
        hours, minutes = self.at.split(":")
        return time(int(hours), int(minutes))


class RunMissing(msgspec.Struct, frozen=True, kw_only=True, tag="run_missing", tag_field="kind"):
    """The schedule said a run should have started ``grace_minutes`` ago and none did."""

    grace_minutes: int = 15


class ComponentUnhealthy(
    msgspec.Struct, frozen=True, kw_only=True, tag="component_unhealthy", tag_field="kind"
):
    """An Airflow component (``component``, or any) of a watched deployment has been unhealthy
    or degraded for ``for_seconds``; an unreachable deployment counts as its component
    ``deployment``."""

    component: str | None = None
    for_seconds: float = 300


Condition = RunFailed | TaskFailed | RunDuration | Deadline | RunMissing | ComponentUnhealthy


class Webhook(msgspec.Struct, frozen=True, kw_only=True, tag="webhook", tag_field="kind"):
    """A JSON POST to ``url``; with a ``secret``, its body is signed (HMAC-SHA256, hex) in the
    ``X-Airdeck-Signature: sha256=…`` header."""

    url: str
    secret: str | None = None


class Slack(msgspec.Struct, frozen=True, kw_only=True, tag="slack", tag_field="kind"):
    """A Slack-compatible incoming webhook (``{"text": …, "blocks": …}``)."""

    url: str


class Email(msgspec.Struct, frozen=True, kw_only=True, tag="email", tag_field="kind"):
    """An email to every address of ``to``, through the SMTP server the worker is set up with."""

    to: list[str]


Channel = Webhook | Slack | Email


class RuleSpec(msgspec.Struct, frozen=True, kw_only=True):
    """What a person defines: a name, what to watch, when to fire and where to tell."""

    name: Annotated[str, msgspec.Meta(min_length=1, max_length=MAX_NAME)]
    selector: Selector
    conditions: list[Condition]
    channels: list[Channel]


class AlertRule(msgspec.Struct, frozen=True, kw_only=True):
    """A stored rule. A ``muted`` rule, or one ``snoozed_until`` a time still ahead, fires
    nothing (what happens meanwhile is never delivered later)."""

    id: str
    spec: RuleSpec
    muted: bool = False
    snoozed_until: datetime | None = None

    def active(self, now: datetime) -> bool:
        """Whether the rule fires at ``now``."""
        return not self.muted and (self.snoozed_until is None or self.snoozed_until <= now)


def zone_problem(name: str) -> str | None:
    """Why ``name`` is no IANA time zone, or None."""
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return f"unknown time zone '{name}': use an IANA name such as 'Europe/Paris' or 'UTC'"
    return None


def is_local_address(address: str) -> bool:
    """Whether an IP address is loopback, private, link-local or otherwise not on the public
    internet (a webhook there could reach the operator's own network)."""
    ip = ipaddress.ip_address(address)
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return not ip.is_global or ip.is_multicast


def url_problem(url: str, *, allow_private: bool) -> str | None:
    """Why a webhook URL cannot be delivered to, or None: it must be ``http(s)://`` with a host,
    and, unless ``allow_private``, its host must not be a private, loopback or link-local
    address or a local-only name (a name resolving to one is refused where it is resolved)."""
    try:
        parts = urlsplit(url)
        host = parts.hostname
        parts.port  # noqa: B018 - reading it validates it
    except ValueError:
        return "is not a URL"
    if parts.scheme not in ("http", "https"):
        return "must start with http:// or https://"
    if not host:
        return "has no host"
    if parts.username or parts.password:
        return "must not carry credentials (put them in a secret instead)"
    if allow_private:
        return None
    lowered = host.lower().rstrip(".")
    try:
        local = is_local_address(lowered)
    except ValueError:
        local = lowered == "localhost" or lowered.endswith(LOCAL_NAMES)
    if local:
        return (
            f"points at a private or local address ({host}); an admin may allow those with "
            "AIRDECK_ALERTS_ALLOW_PRIVATE_URLS=true"
        )
    return None


def _condition_errors(index: int, condition: Condition) -> dict[str, str]:
    where = f"conditions[{index}]"
    errors: dict[str, str] = {}
    if isinstance(condition, RunDuration):
        if condition.above_seconds is None and condition.median_factor is None:
            errors[where] = "needs above_seconds, median_factor or both"
        if condition.above_seconds is not None and condition.above_seconds <= 0:
            errors[f"{where}.above_seconds"] = "must be positive"
        if condition.median_factor is not None and condition.median_factor <= 0:
            errors[f"{where}.median_factor"] = "must be positive"
        if not 1 <= condition.median_runs <= MAX_MEDIAN_RUNS:
            errors[f"{where}.median_runs"] = f"must be from 1 to {MAX_MEDIAN_RUNS}"
        if not 1 <= condition.min_history <= condition.median_runs:
            errors[f"{where}.min_history"] = "must be from 1 to median_runs"
    elif isinstance(condition, Deadline):
        if not HHMM.match(condition.at):
            errors[f"{where}.at"] = (
                f"must be a time of day as HH:MM (00:00-23:59), got {condition.at!r}"
            )
        problem = zone_problem(condition.timezone)
        if problem:
            errors[f"{where}.timezone"] = problem
    elif isinstance(condition, RunMissing):
        if not 0 <= condition.grace_minutes <= 24 * 60:
            errors[f"{where}.grace_minutes"] = "must be from 0 to 1440"
    elif isinstance(condition, ComponentUnhealthy):
        if condition.component is not None and condition.component not in COMPONENTS:
            errors[f"{where}.component"] = f"must be one of {', '.join(COMPONENTS)}"
        if condition.for_seconds < 0:
            errors[f"{where}.for_seconds"] = "must not be negative"
    return errors


def _channel_errors(index: int, channel: Channel, allow_private: bool) -> dict[str, str]:
    where = f"channels[{index}]"
    if isinstance(channel, Email):
        if not channel.to:
            return {f"{where}.to": "needs at least one address"}
        bad = [address for address in channel.to if not EMAIL.match(address)]
        return {f"{where}.to": f"not email addresses: {', '.join(bad)}"} if bad else {}
    problem = url_problem(channel.url, allow_private=allow_private)
    errors = {f"{where}.url": problem} if problem else {}
    if isinstance(channel, Webhook) and channel.secret is not None and len(channel.secret) < 16:
        errors[f"{where}.secret"] = "must be at least 16 characters"
    return errors


def rule_errors(spec: RuleSpec, *, allow_private: bool = False) -> dict[str, str]:
    """What is wrong with a rule, by field path (empty when it may be stored). Whether its DAG
    exists and its host names resolve is checked where those can be looked up."""
    errors: dict[str, str] = {}
    if not spec.name.strip():
        errors["name"] = "must not be blank"
    if not spec.selector.selects:
        errors["selector"] = "set at least one of deployment, dag_id, tag, team, environment"
    if not spec.conditions:
        errors["conditions"] = "needs at least one condition"
    elif len(spec.conditions) > MAX_CONDITIONS:
        errors["conditions"] = f"at most {MAX_CONDITIONS}"
    if not spec.channels:
        errors["channels"] = "needs at least one channel"
    elif len(spec.channels) > MAX_CHANNELS:
        errors["channels"] = f"at most {MAX_CHANNELS}"
    for index, condition in enumerate(spec.conditions):
        errors.update(_condition_errors(index, condition))
    for index, channel in enumerate(spec.channels):
        errors.update(_channel_errors(index, channel, allow_private))
    return errors
