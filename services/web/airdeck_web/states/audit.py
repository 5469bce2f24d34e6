"""The audit log for those who may read it: filters, pages and a CSV export."""

from __future__ import annotations

from typing import Any

import reflex as rx

from airdeck_web.api_client import ApiError
from airdeck_web.audit_rows import audit_row
from airdeck_web.models import AuditRow
from airdeck_web.states.auth import AuthState
from airdeck_web.states.event import event

PAGE_SIZE = 50
FILTERS = ("user", "action", "dag_id", "outcome", "since", "until")
OUTCOMES = ("any", "success", "failure", "pending", "refused")


class AuditState(AuthState):
    """What /audit shows."""

    entries: rx.Field[list[AuditRow]] = rx.field(default_factory=list)
    total: rx.Field[int] = rx.field(0)
    page: rx.Field[int] = rx.field(1)
    filters: rx.Field[dict[str, str]] = rx.field(default_factory=dict)
    error: rx.Field[str] = rx.field("")
    notice: rx.Field[str] = rx.field("")

    @rx.var
    def pages(self) -> int:
        return max(1, -(-self.total // PAGE_SIZE))

    @event
    async def load(self) -> None:
        """The newest page for the filters chosen."""
        self.page = 1
        await self._fetch()

    @event
    async def apply_filters(self, form: dict[str, Any]) -> None:
        """Filter by the form's fields (blank or "any": no filter)."""
        self.filters = {
            name: value
            for name in FILTERS
            if (value := str(form.get(name, "")).strip()) and value != "any"
        }
        self.page = 1
        await self._fetch()

    @event
    async def step(self, pages: int) -> None:
        """Go ``pages`` pages older (positive) or newer (negative), within the log."""
        self.page = min(max(1, self.page + pages), self.pages)
        await self._fetch()

    @event
    async def export(self) -> Any:
        """Every row for the filters (not only this page) as a CSV download."""
        try:
            async with self.api() as api:
                text = await api.orchestrator_text("audit", "export", params=self._params())
        except ApiError as exc:
            self.error = exc.detail
            return None
        self.notice = f"Exported {max(0, text.count(chr(10)) - 1)} rows."
        return rx.download(data=text, filename="airdeck-audit.csv")

    def _params(self) -> dict[str, str]:
        params = dict(self.filters)
        for moment in ("since", "until"):
            # A datetime-local input gives no zone: read it as UTC, the zone rows are shown in.
            if moment in params and len(params[moment]) == 16:
                params[moment] += ":00Z"
        return params

    async def _fetch(self) -> None:
        params: dict[str, Any] = {**self._params(), "page": self.page, "limit": PAGE_SIZE}
        try:
            async with self.api() as api:
                body = await api.orchestrator("GET", "audit", params=params)
        except ApiError as exc:
            self.error, self.entries, self.total = exc.detail, [], 0
            return
        self.error = ""
        self.total = int(body["total"])
        self.entries = [audit_row(e) for e in body["entries"]]
