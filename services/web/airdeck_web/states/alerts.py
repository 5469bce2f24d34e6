"""The Alerts page: the rules the person may see with their status and last firing, a rule's
delivery history, the controls of those who may write rules (mute, snooze, test, delete), and
the rule form with its live preview of how often the rule would have fired."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from typing import Any

import reflex as rx

from airdeck_web.alert_rows import (
    FORM_DEFAULTS,
    delivery_row,
    firing_rows,
    form_of,
    kept_channels,
    kept_conditions,
    placed_errors,
    preview_line,
    rule_body,
    rule_row,
)
from airdeck_web.api_client import ApiError
from airdeck_web.models import AlertRuleRow, DeliveryRow, FiringRow
from airdeck_web.states.auth import AuthState
from airdeck_web.states.event import event

PREVIEW_DEBOUNCE = 0.6
"""Seconds the form must rest before its preview is asked again."""
SNOOZES = {"hour": timedelta(hours=1), "day": timedelta(days=1)}
HISTORY_SIZE = 50
RULES = ("alerts", "rules")


class AlertsState(AuthState):
    """What /alerts shows."""

    rules: rx.Field[list[AlertRuleRow]] = rx.field(default_factory=list)
    error: rx.Field[str] = rx.field("")
    notice: rx.Field[str] = rx.field("")
    history_rule: rx.Field[str] = rx.field("")
    """The id of the rule whose delivery history shows ("": none)."""
    history_name: rx.Field[str] = rx.field("")
    deliveries: rx.Field[list[DeliveryRow]] = rx.field(default_factory=list)
    deleting: rx.Field[str] = rx.field("")
    """The id of the rule the delete confirmation asks about ("": closed)."""

    form_open: rx.Field[bool] = rx.field(False)
    editing: rx.Field[str] = rx.field("")
    """The id of the rule the form replaces ("": a new rule)."""
    form: rx.Field[dict[str, str]] = rx.field(default_factory=lambda: dict(FORM_DEFAULTS))
    field_errors: rx.Field[dict[str, str]] = rx.field(default_factory=dict)
    form_error: rx.Field[str] = rx.field("")
    kept: rx.Field[str] = rx.field("")
    """What the form leaves as it is of the rule it edits (its further conditions, channels)."""
    saving: rx.Field[bool] = rx.field(False)
    preview: rx.Field[str] = rx.field("")
    previewing: rx.Field[bool] = rx.field(False)
    firings: rx.Field[list[FiringRow]] = rx.field(default_factory=list)
    # Backend-only: the rule the form edits as the API gave it, and the form's edit count
    # (a preview answers only the edit it was asked for).
    _stored: dict[str, Any] = {}
    _edits: int = 0

    @event
    async def load(self) -> None:
        """Every rule the person may see (a page of 100), oldest first."""
        self.form_open, self.deleting = False, ""
        await self._fetch()

    async def _fetch(self) -> None:
        try:
            async with self.api() as api:
                body = await api.orchestrator("GET", *RULES, params={"limit": 100})
        except ApiError as exc:
            self.error, self.rules = exc.detail, []
            return
        self.error = ""
        self.rules = [rule_row(r) for r in body["rules"]]
        if self.history_rule and all(r["id"] != self.history_rule for r in self.rules):
            self.history_rule, self.deliveries = "", []

    @event
    async def show_history(self, rule_id: str) -> None:
        """Show a rule's deliveries, newest first."""
        self.history_rule = rule_id
        self.history_name = next((r["name"] for r in self.rules if r["id"] == rule_id), "")
        await self._fetch_history()

    async def _fetch_history(self) -> None:
        if not self.history_rule:
            return
        try:
            async with self.api() as api:
                body = await api.orchestrator(
                    "GET", *RULES, self.history_rule, "deliveries", params={"limit": HISTORY_SIZE}
                )
        except ApiError as exc:
            self.error, self.deliveries = exc.detail, []
            return
        self.deliveries = [delivery_row(d) for d in body["deliveries"]]

    # -- the controls ------------------------------------------------------------------------

    @event
    async def set_muted(self, rule_id: str, muted: bool) -> None:
        """Mute or unmute a rule."""
        done = "Muted" if muted else "Unmuted"
        await self._change(rule_id, "mute", {"muted": muted}, done)

    @event
    async def snooze(self, rule_id: str, span: str) -> None:
        """Snooze a rule for an hour or a day (``span``), or end its snooze (``end``)."""
        until = None if span == "end" else (datetime.now(UTC) + SNOOZES[span]).isoformat()
        done = "Snooze ended" if until is None else f"Snoozed for a {span}"
        await self._change(rule_id, "snooze", {"until": until}, done)

    async def _change(self, rule_id: str, what: str, body: dict[str, Any], done: str) -> None:
        try:
            async with self.api() as api:
                changed = await api.orchestrator("PATCH", *RULES, rule_id, what, json=body)
        except ApiError as exc:
            self.error, self.notice = exc.detail, ""
            return
        self.error, self.notice = "", f"{done}: {changed['name']}"
        await self._fetch()

    @event
    async def send_test(self, rule_id: str) -> None:
        """Send a test message to every channel of a rule, then show its history."""
        try:
            async with self.api() as api:
                result = await api.orchestrator("POST", *RULES, rule_id, "test")
        except ApiError as exc:
            self.error, self.notice = exc.detail, ""
            return
        answers = [delivery_row(d) for d in result["deliveries"]]
        self.error = ""
        self.notice = "Test message: " + "; ".join(
            f"{a['channel']} {a['status']}"
            + (f" ({a['code']} {a['response']})" if a["code"] else "")
            for a in answers
        )
        self.history_rule = rule_id
        self.history_name = next((r["name"] for r in self.rules if r["id"] == rule_id), "")
        await self._fetch_history()

    @event
    def ask_delete(self, rule_id: str) -> None:
        """Open the delete confirmation for a rule."""
        self.deleting = rule_id

    @event
    def set_deleting_open(self, value: bool) -> None:
        if not value:
            self.deleting = ""

    @event
    async def confirm_delete(self) -> None:
        """Delete the rule the confirmation asked about (its history stays)."""
        rule_id, self.deleting = self.deleting, ""
        name = next((r["name"] for r in self.rules if r["id"] == rule_id), rule_id)
        try:
            async with self.api() as api:
                await api.orchestrator("DELETE", *RULES, rule_id)
        except ApiError as exc:
            self.error, self.notice = exc.detail, ""
            return
        self.error, self.notice = "", f"Deleted: {name}"
        await self._fetch()

    # -- the form ----------------------------------------------------------------------------

    @rx.var
    def deleting_name(self) -> str:
        return next((r["name"] for r in self.rules if r["id"] == self.deleting), "")

    @event
    def new_rule(self) -> Any:
        """Open an empty form."""
        self._open({}, dict(FORM_DEFAULTS))
        return AlertsState.refresh_preview

    @event
    async def edit_rule(self, rule_id: str) -> Any:
        """Open the form on a stored rule, read afresh."""
        try:
            async with self.api() as api:
                stored = await api.orchestrator("GET", *RULES, rule_id)
        except ApiError as exc:
            self.error = exc.detail
            return None
        self._open(stored, form_of(stored))
        return AlertsState.refresh_preview

    def _open(self, stored: dict[str, Any], form: dict[str, str]) -> None:
        self._stored, self.form, self.editing = stored, form, str(stored.get("id") or "")
        self.field_errors, self.form_error, self.preview, self.firings = {}, "", "", []
        extra = len(kept_conditions(stored)), len(kept_channels(stored))
        self.kept = (
            f"Kept as they are: {extra[0]} more condition(s), {extra[1]} more channel(s)."
            if any(extra)
            else ""
        )
        self.form_open = True

    @event
    def set_form_open(self, value: bool) -> None:
        self.form_open = value

    @event
    def set_field(self, name: str, value: str) -> Any:
        """Change one field; the preview follows once the form rests."""
        self.form = {**self.form, name: value}
        self.field_errors = {k: v for k, v in self.field_errors.items() if k != name}
        if not self.field_errors:
            self.form_error = ""
        self._edits += 1
        return AlertsState.refresh_preview

    def _body(self) -> tuple[dict[str, Any], dict[str, str]]:
        return rule_body(self.form, kept_conditions(self._stored), kept_channels(self._stored))

    @event(background=True)
    async def refresh_preview(self) -> None:
        """Ask how often the form's rule would have fired, once no field changed for
        ``PREVIEW_DEBOUNCE`` seconds; an answer to an older form is dropped."""
        async with self:
            asked = self._edits
        await asyncio.sleep(PREVIEW_DEBOUNCE)
        async with self:
            if self._edits != asked or not self.form_open:
                return
            body, problems = self._body()
            if problems:
                self.preview = "Preview waits for: " + "; ".join(
                    f"{k} {v}" for k, v in problems.items()
                )
                return
            self.previewing, api = True, self.api()
        try:
            async with api:
                shown: dict[str, Any] | None = await api.orchestrator(
                    "POST", *RULES, "preview", json=body
                )
            refused: ApiError | None = None
        except ApiError as exc:
            shown, refused = None, exc
        async with self:
            if self._edits != asked:
                return
            self.previewing = False
            if shown is not None:
                self.preview, self.firings = preview_line(shown), firing_rows(shown)
            elif refused is not None:
                reasons = refused.errors or {"": refused.detail}
                self.preview = "Preview waits for: " + "; ".join(
                    f"{k} {v}".strip() for k, v in reasons.items()
                )
                self.firings = []

    @event
    async def save(self) -> None:
        """Create the rule, or replace the one edited; the API's per-field errors show under
        their fields."""
        body, problems = self._body()
        if problems:
            self.field_errors, self.form_error = problems, "Fix the fields marked in red."
            return
        self.saving = True
        try:
            async with self.api() as api:
                if self.editing:
                    saved = await api.orchestrator("PUT", *RULES, self.editing, json=body)
                else:
                    saved = await api.orchestrator("POST", *RULES, json=body)
        except ApiError as exc:
            self.saving = False
            placed, others = placed_errors(exc.errors or {})
            self.field_errors = placed
            self.form_error = (
                " ".join(["Fix the fields marked in red.", *others])
                if placed
                else "; ".join([exc.detail, *others])
            )
            return
        self.saving, self.form_open = False, False
        self.notice, self.error = f"Saved: {saved['name']}", ""
        await self._fetch()
