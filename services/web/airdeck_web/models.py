"""The shapes the web holds: the API's answers it reads, and the rows its states hand the
browser. Each is a TypedDict, so a state var declared with one is an object var whose keys
Reflex types (``row["state"]`` is a string var, ``row["depth"]`` a number var) and pages need
no ``.to(...)`` casts; the API's JSON is a dict, so an answer is one as it arrives."""

from __future__ import annotations

from typing import Any, NotRequired, TypedDict


class Dag(TypedDict, total=False):
    """A DAG as ``GET /dags/{dag_id}`` describes it (the keys the pages read)."""

    dag_id: str
    display_name: str | None
    description: str | None
    product_description: str | None
    schedule_description: str | None
    owners: list[str]
    tags: list[str]
    custom_tags: list[str]
    environment: str | None
    owner_team: str | None
    file_path: str | None
    is_paused: bool
    params_schema: dict[str, Any]
    doc_md: str | None
    deployment: str


class ApiRun(TypedDict, total=False):
    """A DAG run as the API gives it."""

    run_id: str
    dag_id: str
    state: str | None
    run_type: str | None
    triggered_by: str | None
    logical_date: str | None
    queued_at: str | None
    start_date: str | None
    end_date: str | None
    duration_seconds: float | None
    conf: dict[str, Any]
    note: str | None
    deployment: str


class RunsPage(TypedDict):
    """``GET /dags/{dag_id}/runs``: a page of runs, and how many match."""

    runs: list[ApiRun]
    total: int


class SavedConfig(TypedDict):
    """A named trigger conf of a DAG (``GET /dags/{dag_id}/configs``)."""

    id: str
    dag_id: str
    name: str
    conf: dict[str, Any]
    created_by: str
    shared: bool
    created_at: str
    updated_at: str


class Triggered(TypedDict):
    """``POST /dags/{dag_id}/runs``: the run just triggered."""

    run_id: str
    state: str | None
    queued_at: str | None


class MetadataChange(TypedDict):
    """``PATCH /dags/{dag_id}/metadata``: what an admin sets of a DAG."""

    environment: str | None
    owner_team: str | None
    custom_tags: list[str]
    description: str | None


class ApiGraph(TypedDict):
    """A laid-out graph (``…/structure``, and a snapshot's ``graph``)."""

    nodes: list[dict[str, Any]]
    edges: list[dict[str, Any]]


class Shown(TypedDict):
    """What ``rows.shown`` adds to a run, task or task instance for the tables."""

    state: str
    """Airflow's state, ``none`` when it has none yet."""
    took: str
    started: str
    """The ISO start, which the browser shows as "3 min ago"."""
    started_exact: str


class RunRow(Shown):
    """A run as the runs table and the run page's header show it."""

    run_id: str
    dag_id: str
    conf: NotRequired[dict[str, Any]]
    note: NotRequired[str | None]
    run_type: NotRequired[str | None]
    triggered_by: NotRequired[str | None]
    duration_seconds: NotRequired[float | None]


class TaskRow(Shown):
    """A task of a run, as the run page's table and drawer show it."""

    task_id: str
    p50: str
    """A mapped task's median instance's duration (its own is its wall-clock span)."""
    counts: str
    """A mapped task's instances by state (``failed:1 success:9``)."""
    is_mapped: NotRequired[bool]
    try_number: NotRequired[int | None]
    max_tries: NotRequired[int | None]
    map_index: NotRequired[int]
    map_count: NotRequired[int | None]
    operator: NotRequired[str | None]
    pool: NotRequired[str | None]
    queue: NotRequired[str | None]


class InstanceRow(Shown):
    """One instance of a mapped task, in the drawer's list."""

    task_id: str
    map_index: int
    try_number: NotRequired[int | None]


class FlowNodeData(TypedDict):
    """What the graph's custom node draws."""

    label: str
    kind: str
    """``task``, ``collapsed`` (a group drawn as one node) or ``group`` (an expanded box)."""
    state: str
    status: str
    detail: str
    title: str
    color: str
    stacked: bool


class FlowNode(TypedDict):
    """A React Flow node."""

    id: str
    type: str
    position: dict[str, float]
    width: float
    height: float
    draggable: bool
    connectable: bool
    style: dict[str, str]
    data: FlowNodeData


class FlowEdge(TypedDict):
    """A React Flow edge."""

    id: str
    source: str
    target: str
    type: str
    style: dict[str, str | float]


class OverviewRun(TypedDict):
    """One run of the overview's durations chart and its table."""

    run_id: str
    label: str
    state: str
    fill: str
    seconds: float | None
    """The bar's length; None while the run has not ended."""
    took: str
    queued_for: str
    started: str
    started_exact: str


class TrendPoint(TypedDict):
    label: str
    seconds: float | None


class OverviewTask(TypedDict):
    """One of the overview's slowest tasks: its spread as text and its trend."""

    task_id: str
    mapped: str
    median: str
    p95: str
    max: str
    trend: list[TrendPoint]
    trend_text: str


class OverviewFigures(TypedDict):
    """The figures above the overview's chart, and its reference lines."""

    success_rate: str
    success_detail: str
    median: str
    p95: str
    queue_median: str
    queue_p95: str
    has_spread: bool
    median_seconds: float
    p95_seconds: float
    median_label: str
    p95_label: str
    runs: int


class GanttSlot(TypedDict):
    """The data keys of one try slot of the Gantt chart's rows."""

    gap: str
    queued: str
    running: str
    fill: str


GanttTableRow = TypedDict(
    "GanttTableRow",
    {
        "task": str,
        "try": str,
        "state": str,
        "queued_at": str,
        "started_at": str,
        "ended_at": str,
        "queued_for": str,
        "ran_for": str,
    },
)
"""One try of the Gantt read as a table (``try`` is a keyword: the functional form)."""


class GanttHead(TypedDict):
    """The line above the Gantt chart."""

    span: str
    shown: str
    live: bool
    low: float
    high: float


class DagListRow(TypedDict):
    """A DAG as the DAG list's row shows it: the API's summary, with its last and next run as
    ISO times (the browser shows "3 min ago") and exact ones, and its deployment's badge."""

    dag_id: str
    display_name: str
    deployment: str
    is_paused: bool
    is_favorite: NotRequired[bool]
    schedule_description: NotRequired[str | None]
    deployment_query: str
    """``?deployment=<id>``, for the links to the DAG's pages."""
    last_state: str
    last_when: str
    last_exact: str
    next_when: str
    next_exact: str
    tag_text: str
    badge_label: str
    badge_color: str
    badge_text: str
    badge_title: str


class UnavailableDeployment(TypedDict):
    """A deployment the DAG list could not read, and why."""

    deployment: str
    message: str


class DeploymentBadge(TypedDict):
    """A deployment's badge: its environment label on its colour, legible text, a tooltip."""

    id: str
    label: str
    color: str
    text: str
    title: str


class HealthLine(DeploymentBadge):
    """A deployment as the dashboard lists it: its badge and how it is doing in words."""

    name: str
    status: str
    facts: str
    detail: str


class CalendarEntry(TypedDict):
    """A run or an expected run in a calendar day: its time, text, colour key and link."""

    time: str
    dag_id: str
    label: str
    expected: bool
    state: str
    deployment: str
    href: str


class CalendarDay(TypedDict):
    """A day of the calendar with the entries it lists."""

    day: str
    number: str
    weekday: str
    in_month: bool
    today: bool
    entries: list[CalendarEntry]
    more: str
    """How many entries were left out, as text (``""``: none)."""
    crowded: str


class AuditRow(TypedDict):
    """The cells of one audit entry: when, who, what, how it ended, where, and why."""

    id: str
    when: str
    user: str
    action: str
    outcome: str
    status: str
    dag_id: str
    dag_href: str
    run_id: str
    deployment: str
    reason: str
    details: str
    details_full: str


class RequiredActionRow(TypedDict):
    """A request waiting for a person, as the inbox lists it: where it waits, its subject,
    and since when (an ISO time the browser shows as "3 min ago", and the exact one)."""

    dag_id: str
    dag_label: str
    dag_href: str
    """The DAG's page, on the request's deployment."""
    run_id: str
    task_id: str
    map_index: int
    subject: str
    since: str
    since_exact: str


class OpenRequest(TypedDict):
    """The request the inbox's dialog shows: what it asks, and how it may be answered."""

    dag_id: str
    run_id: str
    task_id: str
    map_index: int
    subject: str
    body: str
    options: list[str]
    multiple: bool
    has_form: bool
    waiting: bool
