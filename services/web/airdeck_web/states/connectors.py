"""The Connectors page: the connectors the person may see with where each one's DAG stands in
Airflow and its last runs; for people who may write connectors, the guided form (with its
test call), pause and delete."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

import reflex as rx

from airdeck_web.api_client import AirdeckApi, ApiError
from airdeck_web.connector_rows import (
    FORM_DEFAULTS,
    connector_body,
    connector_row,
    empty_field,
    empty_pair,
    field_rows,
    form_of,
    pairs_of,
    placed_errors,
    preview_cells,
    preview_line,
    secret_rows,
)
from airdeck_web.models import ApiConnector, ApiRun, ConnectorRow, FieldRow, PairRow
from airdeck_web.states.auth import AuthState
from airdeck_web.states.event import event
from airdeck_web.tabs import Presence

ROUTE = "/connectors"
RUNS_SHOWN = 5
"""How many of each connector's last runs the list shows."""
PENDING_POLL_SECONDS = 5.0
"""How often the list is read again while a connector's DAG is pending in Airflow (the DAG
processor builds it within its refresh interval)."""
PAIR_LISTS = ("params", "headers", "secrets")


class ConnectorsState(AuthState):
    """What /connectors shows."""

    connectors: rx.Field[list[ConnectorRow]] = rx.field(default_factory=list)
    error: rx.Field[str] = rx.field("")
    notice: rx.Field[str] = rx.field("")
    polling: rx.Field[bool] = rx.field(False)
    deleting: rx.Field[str] = rx.field("")
    """The id of the connector the delete confirmation asks about ("": closed)."""
    pausing: rx.Field[str] = rx.field("")
    """The id of the connector the pause confirmation asks about ("": closed)."""

    form_open: rx.Field[bool] = rx.field(False)
    editing: rx.Field[str] = rx.field("")
    """The id of the connector the form replaces ("": a new connector)."""
    form: rx.Field[dict[str, str]] = rx.field(default_factory=lambda: dict(FORM_DEFAULTS))
    params: rx.Field[list[PairRow]] = rx.field(default_factory=list)
    headers: rx.Field[list[PairRow]] = rx.field(default_factory=list)
    secrets: rx.Field[list[PairRow]] = rx.field(default_factory=list)
    mapping: rx.Field[list[FieldRow]] = rx.field(default_factory=list)
    field_errors: rx.Field[dict[str, str]] = rx.field(default_factory=dict)
    form_error: rx.Field[str] = rx.field("")
    saving: rx.Field[bool] = rx.field(False)
    testing: rx.Field[bool] = rx.field(False)
    preview_ok: rx.Field[bool] = rx.field(False)
    preview_text: rx.Field[str] = rx.field("")
    preview_columns: rx.Field[list[str]] = rx.field(default_factory=list)
    preview_rows: rx.Field[list[list[str]]] = rx.field(default_factory=list)
    # Backend-only: the connector the form edits, as the API gave it.
    _stored: dict[str, Any] = {}

    @event
    async def load(self) -> Any:
        """Every connector the person may see (a page of 100), oldest first; the list is read
        again while one is pending in Airflow."""
        self.form_open, self.deleting, self.pausing = False, "", ""
        await self._fetch()
        return self._follow_pending()

    def _follow_pending(self) -> Any:
        if not self.polling and any(c["status"] == "pending" for c in self.connectors):
            self.polling = True
            return ConnectorsState.poll
        return None

    async def _fetch(self) -> None:
        try:
            async with self.api() as api:
                listed = await _listed(api)
        except ApiError as exc:
            self.error, self.connectors = exc.detail, []
            return
        self.error, self.connectors = "", listed

    @event(background=True)
    async def poll(self) -> None:
        """Read the list again every ``PENDING_POLL_SECONDS`` while the page is open and a
        connector's DAG is pending in Airflow."""
        async with self:
            presence = Presence(self.router.session.client_token)
        while True:
            await asyncio.sleep(PENDING_POLL_SECONDS)
            async with self:
                pending = any(c["status"] == "pending" for c in self.connectors)
                if self.router.page.path != ROUTE or presence.gone() or not pending:
                    self.polling = False
                    return
                api = self.api()
            try:
                async with api:
                    listed = await _listed(api)
            except ApiError:
                # A passing failure: the next round asks again.
                continue
            async with self:
                self.connectors = listed

    # -- pause and delete ------------------------------------------------------------------

    @rx.var
    def deleting_name(self) -> str:
        return next((c["name"] for c in self.connectors if c["id"] == self.deleting), "")

    @rx.var
    def pausing_name(self) -> str:
        return next((c["name"] for c in self.connectors if c["id"] == self.pausing), "")

    @rx.var
    def pausing_paused(self) -> bool:
        """Whether the connector the pause confirmation asks about is paused now (so the
        confirmation resumes it)."""
        return any(c["paused"] for c in self.connectors if c["id"] == self.pausing)

    @event
    def ask_delete(self, connector_id: str) -> None:
        """Open the delete confirmation for a connector."""
        self.deleting = connector_id

    @event
    def set_deleting_open(self, value: bool) -> None:
        if not value:
            self.deleting = ""

    @event
    def ask_pause(self, connector_id: str) -> None:
        """Open the pause (or resume) confirmation for a connector."""
        self.pausing = connector_id

    @event
    def set_pausing_open(self, value: bool) -> None:
        if not value:
            self.pausing = ""

    @event
    async def confirm_delete(self) -> None:
        """Delete the connector the confirmation asked about, with its DAG."""
        connector_id, self.deleting = self.deleting, ""
        name = next((c["name"] for c in self.connectors if c["id"] == connector_id), "")
        try:
            async with self.api() as api:
                await api.delete_connector(connector_id)
        except ApiError as exc:
            self.error, self.notice = exc.detail, ""
            return
        self.error, self.notice = "", f"Deleted: {name}"
        await self._fetch()

    @event
    async def confirm_pause(self) -> None:
        """Pause the connector the confirmation asked about, or resume it when paused."""
        connector_id, self.pausing = self.pausing, ""
        paused = not any(c["paused"] for c in self.connectors if c["id"] == connector_id)
        try:
            async with self.api() as api:
                changed = await api.pause_connector(connector_id, paused)
        except ApiError as exc:
            self.error, self.notice = exc.detail, ""
            return
        self.error = ""
        self.notice = f"{'Paused' if paused else 'Resumed'}: {changed.get('name', '')}"
        await self._fetch()

    # -- the form ----------------------------------------------------------------------------

    @event
    def new_connector(self) -> None:
        """Open an empty form: one query parameter, header, secret and mapping row to fill."""
        self._open({}, dict(FORM_DEFAULTS))
        self.params, self.headers, self.secrets = [empty_pair()], [empty_pair()], []
        self.mapping = [empty_field()]

    @event
    async def edit_connector(self, connector_id: str) -> None:
        """Open the form on a stored connector, read afresh."""
        try:
            async with self.api() as api:
                stored = await api.connector(connector_id)
        except ApiError as exc:
            self.error = exc.detail
            return
        self._open(dict(stored), form_of(stored))
        source = stored.get("source") or {}
        self.params = pairs_of(source.get("params") or {})
        self.headers = pairs_of(source.get("headers") or {})
        self.secrets = secret_rows(stored.get("secrets") or [])
        self.mapping = field_rows(stored.get("mapping") or [])

    def _open(self, stored: dict[str, Any], form: dict[str, str]) -> None:
        self._stored, self.form, self.editing = stored, form, str(stored.get("id") or "")
        self.field_errors, self.form_error = {}, ""
        self.preview_text, self.preview_columns, self.preview_rows = "", [], []
        self.form_open = True

    @event
    def set_form_open(self, value: bool) -> None:
        self.form_open = value

    @event
    def set_field(self, name: str, value: str) -> None:
        """Change one field (and clear the error under it)."""
        self._set(name, value)

    def _set(self, name: str, value: str) -> None:
        form = {**self.form, name: value}
        if name == "source.pagination.kind" and form["source.pagination.param"] in {
            "page",
            "cursor",
        }:
            # Each kind's usual parameter, unless the person named another.
            form["source.pagination.param"] = "cursor" if value == "cursor" else "page"
        self.form = form
        self.field_errors = {k: v for k, v in self.field_errors.items() if k != name}

    @event
    def set_paused(self, value: bool) -> None:
        self._set("paused", "true" if value else "false")

    @event
    def add_pair(self, kind: str) -> None:
        """Add a blank row to the query parameters, headers or secrets."""
        setattr(self, _pairs(kind), [*getattr(self, kind), empty_pair()])

    @event
    def remove_pair(self, kind: str, index: int) -> None:
        """Remove a row of the query parameters, headers or secrets (a stored secret removed
        is deleted from Airflow on save)."""
        rows = list(getattr(self, _pairs(kind)))
        del rows[index]
        setattr(self, kind, rows)

    @event
    def set_pair(self, kind: str, index: int, part: str, value: str) -> None:
        """Change a row's name or value."""
        rows: list[PairRow] = list(getattr(self, _pairs(kind)))
        row = rows[index]
        rows[index] = PairRow(
            name=value if part == "name" else row["name"],
            value=value if part == "value" else row["value"],
            error="",
            stored=row["stored"],
        )
        setattr(self, kind, rows)

    @event
    def add_mapping_row(self) -> None:
        """Add a blank mapping row."""
        self.mapping = [*self.mapping, empty_field()]

    @event
    def remove_mapping_row(self, index: int) -> None:
        """Remove a mapping row."""
        rows = list(self.mapping)
        del rows[index]
        self.mapping = rows

    @event
    def set_mapping(self, index: int, part: str, value: str) -> None:
        """Change a mapping row's path, column, type or default."""
        rows = list(self.mapping)
        changed: dict[str, str] = {**rows[index], part: value, "error": ""}  # type: ignore[dict-item]
        rows[index] = FieldRow(
            path=changed["path"],
            column=changed["column"],
            type=changed["type"],
            default=changed["default"],
            error="",
        )
        self.mapping = rows

    def _body(self) -> tuple[dict[str, Any], dict[str, str]]:
        return connector_body(
            self.form, self.params, self.headers, self.mapping, self.secrets, self._stored
        )

    def _show_errors(self, errors: dict[str, str], detail: str) -> None:
        fields, params, headers, mapping, others = placed_errors(
            errors, self.params, self.headers, self.mapping
        )
        self.field_errors, self.params, self.headers, self.mapping = (
            fields,
            params,
            headers,
            mapping,
        )
        self.form_error = " ".join(["Fix the fields marked in red.", *others]) if errors else detail

    @event
    async def test_call(self) -> AsyncIterator[Any]:
        """Call the source now and show the first rows the mapping makes of its answers, or
        why a run would fail; nothing is stored."""
        body, problems = self._body()
        self.preview_text, self.preview_columns, self.preview_rows = "", [], []
        if problems:
            self._show_errors(problems, "")
            return
        self.testing = True
        yield
        try:
            async with self.api() as api:
                preview = await api.preview_connector(body)
        except ApiError as exc:
            self.testing = False
            self._show_errors(exc.errors, exc.detail)
            self.preview_ok, self.preview_text = False, f"The test call was refused: {exc.detail}"
            return
        self.testing, self.field_errors, self.form_error = False, {}, ""
        self.preview_ok = bool(preview.get("ok"))
        self.preview_text = preview_line(preview)
        self.preview_columns, self.preview_rows = preview_cells(preview)

    @event
    async def save(self) -> AsyncIterator[Any]:
        """Create the connector, or replace the one edited (and pause or resume it when that
        changed); the API's per-field errors show under their fields."""
        body, problems = self._body()
        if problems:
            self._show_errors(problems, "")
            return
        self.saving = True
        yield
        paused = body["paused"]
        try:
            async with self.api() as api:
                saved = await api.save_connector(body, self.editing)
                if self.editing and bool(saved.get("paused")) != paused:
                    saved = await api.pause_connector(self.editing, paused)
        except ApiError as exc:
            self.saving = False
            self._show_errors(exc.errors, exc.detail)
            return
        self.saving, self.form_open = False, False
        self.notice, self.error = f"Saved: {saved.get('name', '')}", ""
        await self._fetch()
        yield self._follow_pending()


def _pairs(kind: str) -> str:
    """``kind`` when it names a list of name/value rows; ValueError otherwise (the browser
    names it)."""
    if kind not in PAIR_LISTS:
        raise ValueError(f"no rows named {kind!r}")
    return kind


async def _listed(api: AirdeckApi) -> list[ConnectorRow]:
    """The connectors as the list shows them, each present one with its DAG's last runs."""
    connectors = (await api.connectors())["connectors"]

    async def runs_of(connector: ApiConnector) -> list[ApiRun]:
        if (connector.get("airflow") or {}).get("version") is None:
            return []
        try:
            params: dict[str, Any] = {"limit": RUNS_SHOWN}
            if connector.get("deployment"):
                params["deployment"] = connector["deployment"]
            page = await api.runs(str(connector["dag_id"]), params)
        except ApiError:
            # The list still shows the connector; only its runs are missing.
            return []
        return page["runs"]

    runs = await asyncio.gather(*(runs_of(c) for c in connectors))
    return [connector_row(c, r) for c, r in zip(connectors, runs, strict=True)]
