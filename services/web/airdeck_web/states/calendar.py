"""The schedule calendar: a week or a month of runs, past and expected, in the browser's time
zone, filtered by tag, team and environment."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import reflex as rx

from airdeck_web.api_client import ApiError
from airdeck_web.calendar_rows import weeks_of
from airdeck_web.models import CalendarDay
from airdeck_web.states.auth import AuthState
from airdeck_web.states.event import event

BROWSER_ZONE = "Intl.DateTimeFormat().resolvedOptions().timeZone"
FILTERS = ("tag", "team", "environment")


def _zone(name: str) -> str:
    """``name`` when Python knows it, else UTC (a browser may report a zone tzdata lacks)."""
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return "UTC"
    return name


class CalendarState(AuthState):
    """What /calendar shows."""

    view: rx.Field[str] = rx.field("month")
    anchor: rx.Field[str] = rx.field("")
    """A day of the week or month shown (ISO), today's when empty."""
    timezone: rx.Field[str] = rx.field("UTC")
    tag: rx.Field[str] = rx.field("")
    team: rx.Field[str] = rx.field("")
    environment: rx.Field[str] = rx.field("")
    weeks: rx.Field[list[list[CalendarDay]]] = rx.field(default_factory=list)
    heading: rx.Field[str] = rx.field("")
    notes: rx.Field[list[str]] = rx.field(default_factory=list)
    error: rx.Field[str] = rx.field("")
    loading: rx.Field[bool] = rx.field(False)

    @event
    def load(self) -> Any:
        """Ask the browser its time zone, then fetch the calendar in it."""
        return rx.call_script(BROWSER_ZONE, callback=CalendarState.use_timezone)

    @event
    async def use_timezone(self, name: str) -> None:
        """Read days in the browser's time zone ``name``."""
        self.timezone = _zone(str(name or "UTC"))
        await self._fetch()

    @event
    async def set_view(self, view: str | list[str]) -> None:
        """Show a ``week`` or a ``month`` (the view switch sends its one chosen value)."""
        if isinstance(view, str) and view in ("week", "month"):
            self.view = view
            await self._fetch()

    @event
    async def show_week(self, day: str) -> None:
        """Show the week of ``day`` (ISO), where every entry of a crowded day is listed."""
        self.view, self.anchor = "week", date.fromisoformat(day).isoformat()
        await self._fetch()

    @event
    async def step(self, direction: int) -> None:
        """Go a week or a month back (-1) or forward (1); 0 comes back to today."""
        if direction == 0:
            self.anchor = ""
        else:
            day = self._anchor_day()
            if self.view == "week":
                day += timedelta(days=7 * direction)
            else:
                month = day.month - 1 + direction
                day = date(day.year + month // 12, month % 12 + 1, 1)
            self.anchor = day.isoformat()
        await self._fetch()

    @event
    async def apply_filters(self, form: dict[str, Any]) -> None:
        """Filter by the form's tag, team and environment (blank: any)."""
        self.tag, self.team, self.environment = (str(form.get(f, "")).strip() for f in FILTERS)
        await self._fetch()

    def _anchor_day(self) -> date:
        if self.anchor:
            return date.fromisoformat(self.anchor)
        return datetime.now(ZoneInfo(self.timezone)).date()

    async def _fetch(self) -> None:
        day = self._anchor_day()
        params: dict[str, Any] = {"view": self.view, "day": day.isoformat(), "tz": self.timezone}
        for name in FILTERS:
            if value := getattr(self, name):
                params[name] = value
        self.loading = True
        try:
            async with self.api() as api:
                body = await api.orchestrator("GET", "calendar", params=params)
        except ApiError as exc:
            self.error = exc.detail
            return
        finally:
            self.loading = False
        self.error = ""
        today = datetime.now(ZoneInfo(self.timezone)).date()
        self.weeks = weeks_of(body, day.month if self.view == "month" else None, today)
        first, last = date.fromisoformat(body["first"]), date.fromisoformat(body["last"])
        self.heading = (
            day.strftime("%B %Y") if self.view == "month" else f"{first:%d %b} to {last:%d %b %Y}"
        ) + f" · {self.timezone}"
        self.notes = []
        if body.get("unpredictable"):
            self.notes.append(
                "Only Airflow's next run is shown for "
                + ", ".join(body["unpredictable"])
                + ": their schedules are not cron (assets or custom timetables)."
            )
        for down in body.get("unavailable") or []:
            self.notes.append(f"{down['deployment']} is left out: {down['message']}")
        if body.get("runs_truncated"):
            self.notes.append(
                "This window had more runs than the calendar reads; the rest are left out."
            )
