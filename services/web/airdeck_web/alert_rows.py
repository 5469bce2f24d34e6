"""What the Alerts page shows of the API's rules and deliveries, and the rule form: its fields
as text, the body they make for ``POST /alerts/rules`` (and its preview), the API's per-field
errors placed under the fields, and the preview's line."""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from airdeck_web.models import AlertRuleRow, DeliveryRow, FiringRow
from airdeck_web.timefmt import exact

CONDITIONS = (
    "run_failed",
    "task_failed",
    "run_duration",
    "deadline",
    "run_missing",
    "component_unhealthy",
)
CHANNELS = ("webhook", "slack", "email")
COMPONENTS = ("any", "scheduler", "db", "dag_processor", "triggerer")
SELECTOR_FIELDS = ("deployment", "dag_id", "tag", "team", "environment")
CONDITION_FIELDS: dict[str, tuple[str, ...]] = {
    "run_duration": ("above_seconds", "median_factor", "median_runs", "min_history"),
    "deadline": ("at", "timezone"),
    "run_missing": ("grace_minutes",),
    "component_unhealthy": ("component", "for_seconds"),
}
CHANNEL_FIELDS: dict[str, tuple[str, ...]] = {
    "webhook": ("url", "secret"),
    "slack": ("url",),
    "email": ("to",),
}
NUMBERS = {
    "above_seconds": float,
    "median_factor": float,
    "median_runs": int,
    "min_history": int,
    "grace_minutes": int,
    "for_seconds": float,
}
FORM_DEFAULTS = {
    "name": "",
    **dict.fromkeys(SELECTOR_FIELDS, ""),
    "condition": "run_failed",
    "above_seconds": "",
    "median_factor": "",
    "median_runs": "20",
    "min_history": "3",
    "at": "",
    "timezone": "UTC",
    "grace_minutes": "15",
    "component": "any",
    "for_seconds": "300",
    "channel": "webhook",
    "url": "",
    "secret": "",
    "to": "",
}
"""Every field of the rule form, as the text its input holds, for a new rule."""
ERROR_KEYS = (*FORM_DEFAULTS, "selector", "conditions", "channels")
"""Where an error can show: under a field, or under the selector, condition or channel."""
PLACE = re.compile(r"^(?:selector|conditions\[0\]|channels\[0\])\.(\w+)$")
LABELS = {
    "run_failed": "a run failed",
    "task_failed": "a task failed (retries spent)",
    "run_duration": "a run took too long",
    "deadline": "no success by a deadline",
    "run_missing": "a scheduled run is missing",
    "component_unhealthy": "an Airflow component is unhealthy",
}


def rule_row(rule: Mapping[str, Any], now: datetime | None = None) -> AlertRuleRow:
    """A rule of the API as the rules table shows it: what it watches, when it fires, where it
    tells, whether it is muted or snoozed, and when it last fired."""
    moment = now or datetime.now(UTC)
    until = str(rule.get("snoozed_until") or "")
    snoozed = bool(until) and _parsed(until) > moment
    muted = bool(rule.get("muted"))
    status = "muted" if muted else "snoozed" if snoozed else "active"
    fired = str(rule.get("last_fired_at") or "")
    return AlertRuleRow(
        id=str(rule["id"]),
        name=str(rule["name"]),
        watches=selector_text(rule.get("selector") or {}),
        when=" or ".join(condition_text(c) for c in rule.get("conditions") or []),
        where=", ".join(channel_text(c) for c in rule.get("channels") or []),
        status=status,
        muted=muted,
        snoozed=snoozed,
        snoozed_until=exact(until) if snoozed else "",
        last_fired=fired,
        last_fired_exact=exact(fired),
    )


def selector_text(selector: Mapping[str, Any]) -> str:
    """``dag_id flaky_retry · deployment default``."""
    return " · ".join(
        f"{name} {selector[name]}" for name in SELECTOR_FIELDS if selector.get(name) is not None
    )


def condition_text(condition: Mapping[str, Any]) -> str:
    """A condition as a person reads it, with its parameters."""
    kind = str(condition.get("kind"))
    if kind == "run_duration":
        limits = []
        if condition.get("above_seconds") is not None:
            limits.append(f"over {condition['above_seconds']:g} s")
        if condition.get("median_factor") is not None:
            limits.append(
                f"over {condition['median_factor']:g} x the median of "
                f"{condition.get('median_runs', 20)} runs"
            )
        return "a run took " + " or ".join(limits)
    if kind == "deadline":
        return f"no success by {condition.get('at')} {condition.get('timezone', 'UTC')}"
    if kind == "run_missing":
        return f"no run {condition.get('grace_minutes', 15)} min after a scheduled tick"
    if kind == "component_unhealthy":
        part = condition.get("component") or "any component"
        return f"{part} unhealthy for {condition.get('for_seconds', 300):g} s"
    return LABELS.get(kind, kind)


def channel_text(channel: Mapping[str, Any]) -> str:
    """``webhook https://… (signed)``, ``email a@example.com``."""
    kind = str(channel.get("kind"))
    if kind == "email":
        return "email " + ", ".join(channel.get("to") or [])
    signed = " (signed)" if channel.get("signed") else ""
    return f"{kind} {channel.get('url', '')}{signed}"


def delivery_row(delivery: Mapping[str, Any]) -> DeliveryRow:
    """A delivery of the history: its status, the channel's answer, what it told and when."""
    when = str(
        delivery.get("sent_at") or delivery.get("last_attempt_at") or delivery.get("created_at")
    )
    code = delivery.get("response_status")
    return DeliveryRow(
        id=str(delivery["id"]),
        status=str(delivery["status"]),
        code="" if code is None else str(code),
        response=str(delivery.get("response") or ""),
        kind=str(delivery.get("kind") or ""),
        channel=str(delivery.get("channel_kind") or ""),
        summary=str(delivery.get("summary") or ""),
        attempts=int(delivery.get("attempts") or 0),
        when=when,
        when_exact=exact(when),
    )


def form_of(rule: Mapping[str, Any]) -> dict[str, str]:
    """The form's fields for editing a stored rule: its selector, first condition and first
    channel (a webhook's secret stays empty: sent empty, the API keeps the one it has)."""
    form = dict(FORM_DEFAULTS)
    form["name"] = str(rule.get("name") or "")
    selector = rule.get("selector") or {}
    for name in SELECTOR_FIELDS:
        form[name] = str(selector.get(name) or "")
    conditions = rule.get("conditions") or [{}]
    condition = conditions[0]
    form["condition"] = str(condition.get("kind") or "run_failed")
    for name in CONDITION_FIELDS.get(form["condition"], ()):
        value = condition.get(name)
        if value is not None:
            form[name] = f"{value:g}" if isinstance(value, float) else str(value)
    channels = rule.get("channels") or [{}]
    channel = channels[0]
    form["channel"] = str(channel.get("kind") or "webhook")
    form["url"] = str(channel.get("url") or "")
    form["to"] = ", ".join(channel.get("to") or [])
    return form


def kept_conditions(rule: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The conditions after the first, which the form leaves as they are."""
    return [dict(c) for c in (rule.get("conditions") or [])[1:]]


def kept_channels(rule: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The channels after the first, as a body sends them back (a webhook's secret is kept by
    the API for the same place and URL)."""
    kept: list[dict[str, Any]] = []
    for channel in (rule.get("channels") or [])[1:]:
        if channel.get("kind") == "email":
            kept.append({"kind": "email", "to": list(channel.get("to") or [])})
        else:
            kept.append({"kind": channel["kind"], "url": channel.get("url") or ""})
    return kept


def rule_body(
    form: Mapping[str, str],
    conditions: list[dict[str, Any]] | None = None,
    channels: list[dict[str, Any]] | None = None,
) -> tuple[dict[str, Any], dict[str, str]]:
    """The body the form makes (its condition and channel first, then ``conditions`` and
    ``channels`` kept from the stored rule), and what the form itself can tell is wrong: a
    number field that holds no number. The API checks the rest."""
    problems: dict[str, str] = {}
    kind = form.get("condition") or "run_failed"
    condition: dict[str, Any] = {"kind": kind}
    for name in CONDITION_FIELDS.get(kind, ()):
        text = form.get(name, "").strip()
        if not text or (name == "component" and text == "any"):
            continue
        if name in NUMBERS:
            try:
                condition[name] = NUMBERS[name](text)
            except ValueError:
                problems[name] = "must be a number"
        else:
            condition[name] = text
    channel_kind = form.get("channel") or "webhook"
    channel: dict[str, Any] = {"kind": channel_kind}
    if channel_kind == "email":
        channel["to"] = [a.strip() for a in form.get("to", "").split(",") if a.strip()]
    else:
        channel["url"] = form.get("url", "").strip()
        secret = form.get("secret", "")
        if channel_kind == "webhook" and secret:
            channel["secret"] = secret
    body = {
        "name": form.get("name", "").strip(),
        "selector": {
            name: value for name in SELECTOR_FIELDS if (value := form.get(name, "").strip())
        },
        "conditions": [condition, *(conditions or [])],
        "channels": [channel, *(channels or [])],
    }
    return body, problems


def placed_errors(errors: Mapping[str, str]) -> tuple[dict[str, str], list[str]]:
    """The API's errors by field path placed under the form's fields (``conditions[0].at`` →
    ``at``, ``selector.dag_id`` → ``dag_id``, ``channels`` → ``channels``), and those no field
    of the form shows (``conditions[1]`` of a kept condition), as ``path: message``."""
    placed: dict[str, str] = {}
    others: list[str] = []
    for path, message in errors.items():
        match = PLACE.match(path)
        key = match.group(1) if match else re.sub(r"\[0\]$", "", path)
        if key in ERROR_KEYS:
            placed[key] = message
        else:
            others.append(f"{path}: {message}")
    return placed, others


def preview_line(preview: Mapping[str, Any]) -> str:
    """``Would have fired 3 times in the last 30 days`` (with its caveats), or why the rule
    cannot be previewed."""
    skipped = [str(u["reason"]) for u in preview.get("not_replayed") or []]
    fired = preview.get("fired")
    days = preview.get("days", 30)
    if fired is None:
        return "Cannot be previewed: " + "; ".join(skipped)
    times = "once" if fired == 1 else f"{fired} times"
    line = f"Would have fired {times} in the last {days} days"
    if preview.get("truncated"):
        line += " (at least: there was more history than was read)"
    watched = int(preview.get("dags") or 0)
    line += f", watching {watched} DAG" + ("" if watched == 1 else "s")
    unread = [str(u["deployment"]) for u in preview.get("unavailable") or []]
    if unread:
        line += f"; not read: {', '.join(unread)}"
    if skipped:
        line += f". {len(skipped)} condition(s) cannot be replayed from history"
    return line + "."


def firing_rows(preview: Mapping[str, Any], most: int = 5) -> list[FiringRow]:
    """The newest firings of a preview, as its list under the line shows them."""
    return [
        FiringRow(
            at=str(f["at"]),
            at_exact=exact(str(f["at"])),
            dag_id=str(f.get("dag_id") or ""),
            run_id=str(f.get("run_id") or ""),
            reason=str(f["reason"]),
        )
        for f in (preview.get("firings") or [])[:most]
    ]


def _parsed(iso: str) -> datetime:
    return datetime.fromisoformat(iso.replace("Z", "+00:00"))
