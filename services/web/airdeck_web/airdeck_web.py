"""The Reflex app: pages and their routes."""

from __future__ import annotations

import reflex as rx

from airdeck_web.pages.alerts import alerts_page
from airdeck_web.pages.audit import audit_page
from airdeck_web.pages.calendar import calendar_page
from airdeck_web.pages.connectors import connectors_page
from airdeck_web.pages.dag import dag_page
from airdeck_web.pages.inbox import inbox_page
from airdeck_web.pages.login import callback, login
from airdeck_web.pages.run import run_page
from airdeck_web.pages.workflows import workflows
from airdeck_web.settings import CALLBACK_PATH, settings
from airdeck_web.states.alerts import AlertsState
from airdeck_web.states.audit import AuditState
from airdeck_web.states.auth import AuthState
from airdeck_web.states.backfill import BackfillState
from airdeck_web.states.calendar import CalendarState
from airdeck_web.states.connectors import ConnectorsState
from airdeck_web.states.dag import DagState
from airdeck_web.states.deployments import DeploymentsState
from airdeck_web.states.gantt import GanttState
from airdeck_web.states.grid import GridState
from airdeck_web.states.inbox import InboxState
from airdeck_web.states.logs import LogState
from airdeck_web.states.run import RunState
from airdeck_web.states.trigger import TriggerState
from airdeck_web.states.versions import VersionsState
from airdeck_web.states.workflows import WorkflowsState

# Refuse to start on a bad configuration, listing every problem.
settings()

app = rx.App()
app.add_page(login, route="/", title="Airdeck · Sign in")
app.add_page(
    callback,
    route=CALLBACK_PATH,
    title="Airdeck · Signing in",
    on_load=AuthState.finish_provider_sign_in,
)
app.add_page(
    workflows,
    route="/workflows",
    title="Airdeck · DAGs",
    on_load=[AuthState.require_user, WorkflowsState.load],
)
app.add_page(
    dag_page,
    route="/workflows/[dag_id]",
    title="Airdeck · DAG",
    on_load=[
        AuthState.require_user,
        DeploymentsState.follow_url,
        DagState.load,
        TriggerState.load_form,
        GridState.follow_load,
        BackfillState.follow_load,
        VersionsState.follow_load,
        DagState.watch,
    ],
)
app.add_page(
    run_page,
    route="/workflows/[dag_id]/runs/[run_id]",
    title="Airdeck · Run",
    on_load=[
        AuthState.require_user,
        DeploymentsState.follow_url,
        RunState.load,
        LogState.open_linked_task,
        GanttState.follow_load,
    ],
)
app.add_page(
    calendar_page,
    route="/calendar",
    title="Airdeck · Calendar",
    on_load=[AuthState.require_user, CalendarState.load],
)
app.add_page(
    audit_page,
    route="/audit",
    title="Airdeck · Audit log",
    on_load=[AuthState.require_user, AuditState.load],
)
app.add_page(
    inbox_page,
    route="/inbox",
    title="Airdeck · Inbox",
    on_load=[AuthState.require_user, InboxState.load],
)
app.add_page(
    alerts_page,
    route="/alerts",
    title="Airdeck · Alerts",
    on_load=[AuthState.require_user, AlertsState.load],
)
app.add_page(
    connectors_page,
    route="/connectors",
    title="Airdeck · Connectors",
    on_load=[AuthState.require_user, ConnectorsState.load],
)
