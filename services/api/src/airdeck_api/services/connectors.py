"""No-code API connectors for one caller (ADR 0026): list, read, create, replace, delete, pause
and a live test call. A change is checked (400 with ``errors`` per field), audited, its secrets
put into Airflow Variables, the product DB's table created or migrated, and its spec written
into the connectors folder, from which the DAG factory builds the DAG; each answer says
whether Airflow has that DAG (at the spec's version) yet."""

from __future__ import annotations

import asyncio
import ipaddress
from collections.abc import Callable, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any, Protocol
from urllib.parse import urlsplit
from uuid import UUID

import msgspec
from sqlalchemy.ext.asyncio import AsyncSession

from airdeck_adapters.connectors.fetch import ExtractError, Fetcher, resolve
from airdeck_adapters.connectors.specs import remove_spec, write_spec
from airdeck_adapters.connectors.tables import connection_fields, ensure_table
from airdeck_adapters.db.connector_services import ConnectorRowService
from airdeck_adapters.db.models import ConnectorRow
from airdeck_api.schemas.connectors import (
    AirflowView,
    ConnectorBody,
    ConnectorPage,
    ConnectorView,
    PreviewView,
)
from airdeck_api.services.audit import Actor, AuditTrail
from airdeck_api.settings import ConnectorSettings
from airdeck_domain.connectors.addresses import address_refusal
from airdeck_domain.connectors.mapping import MappingError, map_pages
from airdeck_domain.connectors.paths import PathError
from airdeck_domain.connectors.spec import (
    CONNECTOR_TAG,
    ConnectorSpec,
    Definition,
    dag_id_of,
    secret_variable,
    spec_version_of,
    table_of,
)
from airdeck_domain.connectors.validation import definition_errors, slug_of, slug_problem
from airdeck_domain.errors import (
    ConflictError,
    DomainError,
    ForbiddenError,
    InvalidInputError,
    NotFoundError,
)
from airdeck_domain.models import Dag, DagDetail
from airdeck_domain.rbac import DagScope, Principal, decide

RESOLVE_TIMEOUT = 5.0
PREVIEW_PAGES = 3
PREVIEW_ROWS = 20
LISTED_DAGS = 100


class ConnectorAirflow(Protocol):
    """What connectors need of an Airflow deployment (the real client has it all)."""

    @property
    def name(self) -> str:
        """The deployment's name in Airdeck."""
        ...

    async def get_dag(self, dag_id: str) -> DagDetail:
        """A DAG's detail."""
        ...

    async def list_dags(
        self, *, offset: int = 0, limit: int = 25, tags: Sequence[str] = ()
    ) -> tuple[list[Dag], int]:
        """A page of DAGs with these tags, and how many there are."""
        ...

    async def set_paused(self, dag_id: str, is_paused: bool) -> Dag:
        """Pause or unpause a DAG."""
        ...

    async def delete_dag(self, dag_id: str) -> None:
        """Delete a DAG and its history."""
        ...

    async def put_variable(self, key: str, value: str, description: str | None = None) -> None:
        """Create or replace a Variable."""
        ...

    async def delete_variable(self, key: str) -> None:
        """Delete a Variable."""
        ...

    async def put_connection(self, conn_id: str, fields: dict[str, Any]) -> None:
        """Create or replace a connection."""
        ...

    async def connection_exists(self, conn_id: str) -> bool:
        """Whether a connection exists."""
        ...

    def require_feature(self, feature: str) -> None:
        """InvalidInputError when the deployment's Airflow has no ``feature`` at all."""
        ...


class ConnectorService:
    """Connectors as one caller may see and change them."""

    def __init__(
        self,
        *,
        session: AsyncSession,
        principal: Principal,
        actor: Actor,
        audit: AuditTrail,
        client_of: Callable[[str], ConnectorAirflow],
        deployment: str,
        settings: ConnectorSettings,
        folder: Path,
        database_url: str,
    ) -> None:
        self.session = session
        self.principal = principal
        self.actor = actor
        self.audit = audit
        self.client_of = client_of
        self.deployment = deployment
        self.settings = settings
        self.folder = folder
        self.database_url = database_url
        self.rows = ConnectorRowService(session=session)

    # -- reading ----------------------------------------------------------------------------

    async def page(self, *, page: int, limit: int) -> ConnectorPage:
        """The connectors the caller may read, oldest first, each with its DAG's state."""
        rows = [row for row in await self.rows.every() if self._may("dags:read", row)]
        chosen = rows[(page - 1) * limit : page * limit]
        states = await self._airflow_states(chosen)
        items = [view(row, states[row.id]) for row in chosen]
        return ConnectorPage(items=items, total=len(rows), page=page, limit=limit)

    async def get(self, connector_id: UUID) -> ConnectorView:
        """One connector (404 for one the caller may not read, as for one that is not there)."""
        row = await self._visible(connector_id)
        return view(row, await self._airflow_state(row))

    # -- changing ---------------------------------------------------------------------------

    async def create(self, body: ConnectorBody) -> ConnectorView:
        """Check, store and export a new connector."""
        definition = body.definition()
        slug = body.slug or slug_of(body.name)
        scope = self._scope(slug, definition, self.deployment)
        action = "create_connector"
        await self._require_write(scope, action)
        try:
            self.client_of(self.deployment).require_feature("connectors")
        except InvalidInputError as exc:
            await self._refuse_invalid(exc.errors, action, scope, body.name, exc)
        errors = {} if body.slug is None else _slug_errors(slug)
        if body.slug is None and slug_problem(slug):
            errors["name"] = "needs a letter or digit to make the DAG id from, or give a slug"
        given = {name for name, value in body.secrets.items() if value is not None}
        errors |= await self._errors(definition, given)
        if not errors and await self.rows.by_slug(self.deployment, slug) is not None:
            errors["slug"] = f"'{slug}' is taken: DAG {dag_id_of(slug)} is another connector's"
        await self._refuse_invalid(errors, action, scope, body.name)
        row = ConnectorRow(
            deployment=self.deployment,
            slug=slug,
            name=definition.name,
            definition=msgspec.to_builtins(definition),
            version=1,
            secret_names=sorted(given),
            paused=body.paused,
            paused_upon_creation=body.paused,
            created_by=self.actor.user_id,
            updated_by=self.actor.user_id,
        )
        details = {"slug": slug, "name": definition.name, "version": 1}
        async with self._action(action, scope, details) as out:
            await self._put_secrets(slug, body.secrets)
            await self._prepare_destination(row, definition)
            row = await self.rows.create(row, auto_commit=True)
            write_spec(self.folder, self.spec_of(row))
            out.details = {**details, "connector_id": str(row.id)}
        return view(row, await self._airflow_state(row))

    async def replace(self, connector_id: UUID, body: ConnectorBody) -> ConnectorView:
        """Replace a connector's definition (its slug and DAG stay); a changed definition is
        one more spec version."""
        row = await self._visible(connector_id)
        definition = body.definition()
        action = "update_connector"
        scope = self._scope(row.slug, definition, row.deployment)
        await self._require_write(self._scope_of(row), action)
        await self._require_write(scope, action)
        errors = {}
        if body.slug is not None and body.slug != row.slug:
            errors["slug"] = f"cannot change (it names DAG {dag_id_of(row.slug)})"
        names = (set(row.secret_names) | set(body.secrets)) - {
            name for name, value in body.secrets.items() if value is None
        }
        errors |= await self._errors(definition, names)
        await self._refuse_invalid(errors, action, scope, body.name)
        changed = msgspec.to_builtins(definition) != row.definition
        version = row.version + 1 if changed else row.version
        details = {"connector_id": str(row.id), "slug": row.slug, "version": version}
        async with self._action(action, scope, details):
            await self._put_secrets(row.slug, body.secrets)
            await self._prepare_destination(row, definition)
            row.name = definition.name
            row.definition = msgspec.to_builtins(definition)
            row.version = version
            row.secret_names = sorted(names)
            row.updated_by = self.actor.user_id
            row = await self.rows.update(row, auto_commit=True)
            write_spec(self.folder, self.spec_of(row))
        return view(row, await self._airflow_state(row))

    async def delete(self, connector_id: UUID) -> None:
        """Delete a connector: its spec, its secrets and its DAG (with its run history) leave
        Airflow; the audit row keeps its last definition. When Airflow fails on the way
        (unreachable, say), the connector stays as it was, its spec written back, and the
        error is raised: deleting again finishes the job."""
        row = await self._visible(connector_id)
        action = "delete_connector"
        scope = self._scope_of(row)
        await self._require_write(scope, action)
        details = {
            "connector_id": str(row.id),
            "slug": row.slug,
            "version": row.version,
            "definition": row.definition,
        }
        async with self._action(action, scope, details) as out:
            # The spec goes first, so that the DAG processor does not build the DAG again
            # once Airflow deleted it; the row goes last, so that nothing is lost while
            # Airflow cannot be reached.
            remove_spec(self.folder, row.deployment, row.slug)
            try:
                removed = await self._remove_from_airflow(row)
            except BaseException:
                write_spec(self.folder, self.spec_of(row))
                raise
            await self.rows.delete(row.id, auto_commit=True)
            out.details = {**details, "airflow_dag": removed}

    async def _remove_from_airflow(self, row: ConnectorRow) -> str:
        """The connector's DAG and secrets deleted from Airflow (either already gone is
        fine); what became of the DAG, in words."""
        client = self.client_of(row.deployment)
        try:
            await client.delete_dag(dag_id_of(row.slug))
            removed = "deleted"
        except NotFoundError:
            removed = "never built"
        except ConflictError as exc:
            # Its file no longer defines it, so Airflow marks it stale; the runs stay.
            removed = f"left stale: {exc.message}"
        for name in row.secret_names:
            await client.delete_variable(secret_variable(row.slug, name))
        return removed

    async def pause(self, connector_id: UUID, paused: bool) -> ConnectorView:
        """Pause or unpause a connector: its DAG in Airflow when it is there, else the pause
        it will be created with."""
        row = await self._visible(connector_id)
        action = "pause_connector" if paused else "unpause_connector"
        scope = self._scope_of(row)
        await self._require_write(scope, action)
        async with self._action(action, scope, {"connector_id": str(row.id)}):
            row.paused = paused
            try:
                await self.client_of(row.deployment).set_paused(dag_id_of(row.slug), paused)
            except NotFoundError:
                # Pending: no DAG yet, so no version of it changes.
                row.paused_upon_creation = paused
                write_spec(self.folder, self.spec_of(row))
            row.updated_by = self.actor.user_id
            row = await self.rows.update(row, auto_commit=True)
        return view(row, await self._airflow_state(row))

    async def preview(self, body: ConnectorBody) -> PreviewView:
        """A live test call of the body's source (its first pages, with the secrets it gives),
        mapped as a run would: the first rows, or why a run would fail. Nothing is stored."""
        definition = body.definition()
        scope = self._scope(body.slug or slug_of(body.name), definition, self.deployment)
        decision = decide(self.principal, "connectors:write", scope)
        if not decision.allowed:
            raise ForbiddenError(f"Missing permission 'connectors:write': {decision.reason}")
        self.client_of(self.deployment).require_feature("connectors")
        secrets = {name: value for name, value in body.secrets.items() if value is not None}
        errors = await self._errors(definition, set(secrets), lookups=False)
        if errors:
            raise InvalidInputError(_sentence(errors), errors=errors)
        fetcher = Fetcher(
            definition.source,
            definition.mapping,
            secrets,
            allow_list=self.settings.allowed_hosts,
        )
        try:
            pages = await asyncio.to_thread(fetcher.pages, limit=PREVIEW_PAGES)
            rows = map_pages(definition.mapping, pages)
        except (ExtractError, MappingError, PathError) as exc:
            return PreviewView(ok=False, error=getattr(exc, "message", str(exc)))
        finally:
            fetcher.close()
        return PreviewView(
            ok=True,
            pages=len(pages),
            columns=[field.column for field in definition.mapping],
            rows=[msgspec.to_builtins(row) for row in rows[:PREVIEW_ROWS]],
        )

    # -- the spec and Airflow -----------------------------------------------------------------

    def spec_of(self, row: ConnectorRow) -> ConnectorSpec:
        """The spec the DAG factory reads for ``row``."""
        definition = definition_of(row)
        destination = definition.destination
        conn_id = destination.conn_id or self.settings.product_conn_id
        return ConnectorSpec(
            connector_id=str(row.id),
            slug=row.slug,
            version=row.version,
            deployment=row.deployment,
            definition=definition,
            conn_id=conn_id,
            table=table_of(destination),
            paused_upon_creation=row.paused_upon_creation,
            secrets={name: secret_variable(row.slug, name) for name in row.secret_names},
            allowed_hosts=list(self.settings.allowed_hosts),
            created_at=row.created_at,
        )

    async def _put_secrets(self, slug: str, secrets: dict[str, str | None]) -> None:
        client = self.client_of(self.deployment)
        for name, value in sorted(secrets.items()):
            key = secret_variable(slug, name)
            if value is None:
                await client.delete_variable(key)
            else:
                await client.put_variable(key, value, f"Airdeck connector {slug}: secret {name}")

    async def _prepare_destination(self, row: ConnectorRow, definition: Definition) -> None:
        """For the product DB: its table created or given new columns, and the Airflow
        connection the load task reaches it through."""
        if definition.destination.kind != "product":
            return
        await self.client_of(row.deployment).put_connection(
            self.settings.product_conn_id, connection_fields(self.database_url)
        )
        spec = msgspec.structs.replace(
            self.spec_of(row),
            definition=definition,
            table=table_of(definition.destination),
        )
        connection = await self.session.connection()
        await connection.run_sync(lambda sync: ensure_table(sync, spec))
        await self.session.commit()

    async def _airflow_states(self, rows: Sequence[ConnectorRow]) -> dict[UUID, AirflowView]:
        """Each row's DAG state, from one listing of the connector DAGs per deployment."""
        states: dict[UUID, AirflowView] = {}
        for deployment in {row.deployment for row in rows}:
            try:
                dags = await self._connector_dags(deployment)
            except DomainError as exc:
                for row in rows:
                    if row.deployment == deployment:
                        states[row.id] = _unknown(exc)
                continue
            for row in rows:
                if row.deployment == deployment:
                    dag = dags.get(dag_id_of(row.slug))
                    states[row.id] = _state(row, dag)
        return states

    async def _connector_dags(self, deployment: str) -> dict[str, Dag]:
        client = self.client_of(deployment)
        found: dict[str, Dag] = {}
        offset = 0
        while True:
            dags, total = await client.list_dags(
                offset=offset, limit=LISTED_DAGS, tags=[CONNECTOR_TAG]
            )
            found.update((dag.dag_id, dag) for dag in dags)
            offset += len(dags)
            if not dags or offset >= total:
                return found

    async def _airflow_state(self, row: ConnectorRow) -> AirflowView:
        try:
            dag: Dag | None = await self.client_of(row.deployment).get_dag(dag_id_of(row.slug))
        except NotFoundError:
            dag = None
        except DomainError as exc:
            return _unknown(exc)
        return _state(row, dag)

    # -- checks -----------------------------------------------------------------------------

    async def _errors(
        self, definition: Definition, secrets: set[str], *, lookups: bool = True
    ) -> dict[str, str]:
        errors = definition_errors(
            definition, secrets=secrets, allow_list=self.settings.allowed_hosts
        )
        if "source.url" not in errors:
            problem = await _resolution_problem(definition.source.url, self.settings)
            if problem:
                errors["source.url"] = problem
        destination = definition.destination
        if lookups and destination.kind == "postgres" and "destination.conn_id" not in errors:
            conn_id = destination.conn_id or ""
            if not await self.client_of(self.deployment).connection_exists(conn_id):
                errors["destination.conn_id"] = (
                    f"Airflow deployment '{self.deployment}' has no connection '{conn_id}'"
                )
        return errors

    async def _refuse_invalid(
        self,
        errors: dict[str, str],
        action: str,
        scope: DagScope,
        name: str,
        refused: InvalidInputError | None = None,
    ) -> None:
        """Audit and raise the 400 of ``errors`` (``refused`` as it is, when given)."""
        if not errors:
            return
        message = refused.message if refused else _sentence(errors)
        await self.audit.record(
            self.actor,
            action,
            scope.deployment or self.deployment,
            scope.dag_id,
            details={"name": name, "errors": errors},
            outcome="failure",
            status=400,
            reason=message,
        )
        raise refused or InvalidInputError(message, errors=errors)

    def _scope(self, slug: str, definition: Definition, deployment: str) -> DagScope:
        return DagScope(
            dag_id=dag_id_of(slug),
            tags=frozenset({CONNECTOR_TAG, *definition.tags}),
            deployment=deployment,
        )

    def _scope_of(self, row: ConnectorRow) -> DagScope:
        return self._scope(row.slug, definition_of(row), row.deployment)

    def _may(self, permission: str, row: ConnectorRow) -> bool:
        return decide(self.principal, permission, self._scope_of(row)).allowed

    async def _require_write(self, scope: DagScope, action: str) -> None:
        deployment = scope.deployment or self.deployment
        async with self.audit.refusals(self.actor, action, deployment, scope.dag_id):
            decision = decide(self.principal, "connectors:write", scope)
            if not decision.allowed:
                raise ForbiddenError(f"Missing permission 'connectors:write': {decision.reason}")

    async def _visible(self, connector_id: UUID) -> ConnectorRow:
        row = await self.rows.get_one_or_none(id=connector_id)
        if row is None or not self._may("dags:read", row):
            raise NotFoundError(f"No connector '{connector_id}'")
        return row

    def _action(self, action: str, scope: DagScope, details: dict[str, Any]) -> Any:
        return self.audit.action(
            self.actor, action, scope.deployment or self.deployment, scope.dag_id, details=details
        )


def _slug_errors(slug: str) -> dict[str, str]:
    problem = slug_problem(slug)
    return {"slug": problem} if problem else {}


def _sentence(errors: dict[str, str]) -> str:
    return "The connector is invalid: " + "; ".join(f"{k} {v}" for k, v in errors.items())


async def _resolution_problem(url: str, settings: ConnectorSettings) -> str | None:
    """Why the URL's host is refused once resolved (an address a connector may not call, or no
    address at all), or None; an IP literal was judged by ``definition_errors``."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    try:
        ipaddress.ip_address(host)
    except ValueError:
        pass
    else:
        return None
    port = parts.port or (443 if parts.scheme == "https" else 80)
    try:
        addresses = await asyncio.wait_for(asyncio.to_thread(resolve, host, port), RESOLVE_TIMEOUT)
    except (ExtractError, TimeoutError):
        return f"host '{host}' does not resolve, so no run could call it"
    for address in addresses:
        refusal = address_refusal(host, address, settings.allowed_hosts)
        if refusal:
            return refusal
    return None


def _unknown(exc: DomainError) -> AirflowView:
    return AirflowView(state="unknown", message=f"Airflow could not be asked: {exc.message}")


def _state(row: ConnectorRow, dag: Dag | None) -> AirflowView:
    if dag is None:
        return AirflowView(
            state="pending",
            message=f"pending in Airflow: the DAG processor builds {dag_id_of(row.slug)} "
            "within its refresh interval",
        )
    version = spec_version_of(dag.description)
    if version is None or version < row.version:
        return AirflowView(
            state="pending",
            version=version,
            is_paused=dag.is_paused,
            next_run=dag.next_run,
            message=f"pending in Airflow: it still runs spec v{version}, v{row.version} comes "
            "within the DAG processor's refresh interval",
        )
    return AirflowView(
        state="present",
        version=version,
        is_paused=dag.is_paused,
        next_run=dag.next_run,
        message=f"in Airflow at spec v{version}",
    )


def definition_of(row: ConnectorRow) -> Definition:
    """A stored connector's definition."""
    return msgspec.convert(row.definition, Definition)


def view(row: ConnectorRow, airflow: AirflowView) -> ConnectorView:
    """A stored connector as answers show it (secret names only)."""
    definition = definition_of(row)
    created_at: datetime = row.created_at
    return ConnectorView(
        id=str(row.id),
        deployment=row.deployment,
        slug=row.slug,
        dag_id=dag_id_of(row.slug),
        name=definition.name,
        description=definition.description,
        source=definition.source,
        mapping=definition.mapping,
        destination=definition.destination,
        table=table_of(definition.destination),
        schedule=definition.schedule,
        tags=definition.tags,
        secrets=list(row.secret_names),
        version=row.version,
        paused=row.paused,
        pending=airflow.state == "pending",
        airflow=airflow,
        created_by=row.created_by,
        updated_by=row.updated_by,
        created_at=created_at,
        updated_at=row.updated_at,
    )
