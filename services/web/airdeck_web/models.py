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
    alert_rules: int


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
    dag_versions: list[DagVersion]
    """The DAG versions the run's tasks ran with (Airflow 3)."""
    bundle_version: str | None


class ApiTaskInstance(TypedDict, total=False):
    """A task instance as the action routes (clear, mark) answer it: the keys their
    previews show."""

    task_id: str
    map_index: int
    state: str | None


class DagVersion(TypedDict, total=False):
    """A version of a DAG (Airflow 3): its number and the bundle (and bundle version) it was
    parsed from."""

    version_number: int
    version_id: str | None
    bundle_name: str | None
    bundle_version: str | None
    created_at: str | None


class DagVersions(TypedDict):
    """``GET /dags/{dag_id}/versions``: every version of the DAG, oldest first."""

    dag_id: str
    versions: list[DagVersion]
    total: int


class DagSource(TypedDict):
    """``GET /dags/{dag_id}/versions/{n}/source``: the code of one version."""

    dag_id: str
    version_number: int
    content: str


class VersionDiff(TypedDict):
    """``GET /dags/{dag_id}/versions/diff``: a unified diff of two versions' code."""

    dag_id: str
    from_version: int
    to_version: int
    diff: str
    added: int
    removed: int


class VersionRow(TypedDict):
    """A version as the Versions tab lists it: its bundle (and bundle version) in words, and
    when Airflow made it (an ISO time the browser shows as "3 min ago", and the exact one)."""

    number: str
    bundle_name: str
    bundle_version: str
    created: str
    created_exact: str


class DiffLine(TypedDict):
    """A line of a diff as the Versions tab draws it: ``kind`` is ``added``, ``removed``,
    ``context`` or ``hunk`` (an ``@@`` line), with its line numbers in the old and the new
    version (empty where it has none)."""

    kind: str
    text: str
    old: str
    new: str


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
    dag_versions: NotRequired[list[DagVersion]]
    bundle_version: NotRequired[str | None]


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
    alert_rules: int
    """How many alert rules watch the DAG (its bell badge)."""
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


class BackfillProgress(TypedDict):
    """How far a backfill got (the API's ``progress``): its runs by state, how many it has,
    and how many ended."""

    states: dict[str, int]
    total: int
    done: int


class ApiBackfill(TypedDict, total=False):
    """A backfill as ``/dags/{dag_id}/backfills`` gives it."""

    id: int
    dag_id: str
    from_date: str
    to_date: str
    conf: dict[str, Any]
    is_paused: bool
    reprocess_behavior: str
    max_active_runs: int | None
    created_at: str | None
    completed_at: str | None
    updated_at: str | None
    deployment: str
    progress: BackfillProgress | None


class BackfillsPage(TypedDict):
    """``GET /dags/{dag_id}/backfills``: a page of a DAG's backfills, and how many it has."""

    backfills: list[ApiBackfill]
    total: int
    page: int
    limit: int


class PlannedRun(TypedDict):
    """A run a backfill would create."""

    logical_date: str | None
    partition_key: str | None


class BackfillPlan(TypedDict):
    """``POST /dags/{dag_id}/backfills/dry-run``: the runs a backfill would create, in the
    order Airflow would create them."""

    dag_id: str
    runs: list[PlannedRun]
    total: int


class BackfillRequest(TypedDict):
    """What the backfill form asks for (the body of a dry run and of a backfill)."""

    from_date: str
    to_date: str
    reprocess_behavior: str
    max_active_runs: int
    run_backwards: bool
    conf: dict[str, Any]


class BackfillStateCount(TypedDict):
    """How many of a backfill's runs are in one state."""

    state: str
    count: int


class BackfillRow(TypedDict):
    """A backfill as the Backfills tab lists it: its range, settings, status and progress."""

    id: int
    range: str
    status: str
    """``running``, ``paused`` or ``completed``."""
    active: bool
    """Not completed: it may be paused, resumed or cancelled, and its progress still moves."""
    paused: bool
    settings: str
    progress: str
    """``2 of 3 done``."""
    percent: int
    states: list[BackfillStateCount]
    created: str
    created_exact: str


class AlertRuleRow(TypedDict):
    """An alert rule as the Alerts page's table shows it: what it watches, when it fires and
    where it tells (as text), its status (``active``, ``muted``, ``snoozed``) and its last
    firing (ISO, and exact for the tooltip)."""

    id: str
    name: str
    watches: str
    when: str
    where: str
    status: str
    muted: bool
    snoozed: bool
    snoozed_until: str
    last_fired: str
    last_fired_exact: str


class DeliveryRow(TypedDict):
    """One delivery of a rule's history: its status, the channel's answer (``code``: its HTTP
    or SMTP status, empty when none came) and what it told, when."""

    id: str
    status: str
    code: str
    response: str
    kind: str
    channel: str
    summary: str
    attempts: int
    when: str
    when_exact: str


class FiringRow(TypedDict):
    """One time a previewed rule would have fired."""

    at: str
    at_exact: str
    dag_id: str
    run_id: str
    reason: str


class RunBadge(TypedDict):
    """One of a connector's last runs, as a badge."""

    run_id: str
    state: str


class ConnectorRow(TypedDict):
    """A connector as the Connectors page lists it: its schedule with its time zone, its source
    and destination as text, whether it is paused, where its DAG stands in Airflow (``status``:
    ``pending``, ``present`` or ``unknown``; ``in_airflow``: a DAG of it exists, at some
    version) and its DAG's last runs, newest first."""

    id: str
    name: str
    dag_id: str
    href: str
    """The DAG's page, in the connector's deployment."""
    schedule: str
    source: str
    destination: str
    paused: bool
    status: str
    in_airflow: bool
    message: str
    version: int
    runs: list[RunBadge]


class PairRow(TypedDict):
    """A name/value row of the connector form (a query parameter, header or secret); a
    ``stored`` secret's value is unknown, and left blank it keeps the value Airflow has."""

    name: str
    value: str
    error: str
    stored: bool


class FieldRow(TypedDict):
    """A mapping row of the connector form: the value at ``path`` into ``column`` as
    ``type``, with an optional ``default`` (as text), and the API's error about it."""

    path: str
    column: str
    type: str
    default: str
    error: str


class ConnectorPreview(TypedDict, total=False):
    """``POST /connectors/preview``: the first mapped rows, or why a run would fail."""

    ok: bool
    pages: int
    columns: list[str]
    rows: list[dict[str, Any]]
    error: str | None


class ApiConnector(TypedDict, total=False):
    """A connector as the API gives it (the keys the page reads); ``airflow`` says where its
    DAG stands (``state``, ``version``, ``message``)."""

    id: str
    deployment: str
    slug: str
    dag_id: str
    name: str
    description: str | None
    source: dict[str, Any]
    mapping: list[dict[str, Any]]
    destination: dict[str, Any]
    table: str
    schedule: dict[str, Any]
    tags: list[str]
    secrets: list[str]
    version: int
    paused: bool
    pending: bool
    airflow: dict[str, Any]


class ConnectorsPage(TypedDict):
    """``GET /connectors``: a page of connectors, oldest first."""

    connectors: list[ApiConnector]
    total: int
