"""The models that cross Airdeck's boundaries (adapters → domain → API → web).

They are ``msgspec.Struct``s: cheap to build, typed, and encoded straight to JSON by the API.
Airflow's own response shapes stay inside the adapter; these are Airdeck's vocabulary.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Generic, Literal, TypeVar

import msgspec

T = TypeVar("T")

HealthStatus = Literal["healthy", "degraded", "unhealthy", "unknown"]
"""How a component of a deployment is doing, as Airdeck classifies it."""


class Page(msgspec.Struct, Generic[T], kw_only=True):
    """One page of a list; ``total`` counts all matches, not just this page.

    Each kind of page names its items in JSON (``dags``, ``runs`` …, as clients read them):
    a subclass declares ``items`` again with its item type and renames it, e.g.
    ``class DagPage(Page[Dag], kw_only=True, rename={"items": "dags"})`` (msgspec renames only
    the fields a class itself declares). The OpenAPI schema gets one named type per kind.
    """

    items: list[T]
    total: int
    page: int
    limit: int


AggregateState = str
"""An Airflow task/run state (``success``, ``failed``, ``running`` …) or ``partial`` for a mapped
task whose instances ended mixed. Kept as ``str`` because Airflow adds states over releases."""

DagSort = Literal[
    "dag_id",
    "-dag_id",
    "last_run",
    "-last_run",
    "last_run_state",
    "-last_run_state",
    "next_run",
    "-next_run",
]
"""What a DAG list can be ordered by across all its pages; ``-`` reverses the order."""

FINISHED_RUN_STATES: frozenset[str] = frozenset({"success", "failed"})
FINISHED_TASK_STATES: frozenset[str] = frozenset(
    {"success", "failed", "skipped", "upstream_failed", "removed"}
)


class LastRun(msgspec.Struct, kw_only=True):
    """The most recent run of a DAG, as shown in a list."""

    run_id: str
    state: str | None
    start_date: datetime | None = None
    end_date: datetime | None = None
    logical_date: datetime | None = None


class DagVersion(msgspec.Struct, kw_only=True):
    """One serialized version of a DAG (Airflow 3 versions DAGs on every structural change)."""

    version_number: int
    version_id: str | None = None
    bundle_version: str | None = None
    created_at: datetime | None = None
    bundle_name: str | None = None
    """The DAG bundle the version was parsed from (``dags-folder`` for a plain DAGs folder)."""


class Dag(msgspec.Struct, kw_only=True):
    """A DAG in a list: Airflow's view of it merged with the product's own data."""

    dag_id: str
    display_name: str
    deployment: str = "default"
    description: str | None = None
    is_paused: bool = False
    schedule: str | None = None
    schedule_description: str = "Manual"
    owners: list[str] = msgspec.field(default_factory=list)
    tags: list[str] = msgspec.field(default_factory=list)
    last_run: LastRun | None = None
    next_run: datetime | None = None
    max_active_runs: int | None = None
    file_path: str | None = None
    has_import_errors: bool = False
    # Product data (Airdeck's DB), merged in by the service layer.
    environment: str | None = None
    owner_team: str | None = None
    custom_tags: list[str] = msgspec.field(default_factory=list)
    is_favorite: bool = False
    alert_rules: int = 0
    """How many alert rules watch the DAG (their selectors match it)."""


class DagDetail(Dag, kw_only=True):
    """A DAG with everything the detail page and the trigger form need."""

    params: dict[str, Any] = msgspec.field(default_factory=dict)
    """Airflow's params as given: name → {"value", "schema" (JSON schema), "description"}."""
    params_schema: dict[str, Any] = msgspec.field(default_factory=dict)
    """The params folded into one JSON schema object, ready for a form or for validation."""
    doc_md: str | None = None
    latest_dag_version: DagVersion | None = None
    bundle_version: str | None = None
    max_active_tasks: int | None = None
    catchup: bool | None = None
    start_date: datetime | None = None
    timezone: str | None = None
    product_description: str | None = None


class UnavailableDeployment(msgspec.Struct, kw_only=True):
    """A deployment a list across deployments could not ask, and why (a sentence naming it,
    never its address)."""

    deployment: str
    message: str


class DagPage(Page[Dag], kw_only=True, rename={"items": "dags"}, omit_defaults=True):
    """One page of DAGs; ``total`` counts all matches, not just this page. A page across
    deployments (``?deployment=*``) names in ``unavailable`` the deployments it could not read
    (their DAGs are missing from it, or their last runs); the field is left out when there are
    none, so a page of one deployment reads exactly as it always has."""

    items: list[Dag]
    unavailable: list[UnavailableDeployment] = msgspec.field(default_factory=list)


class DagRun(msgspec.Struct, kw_only=True):
    """One run of a DAG."""

    run_id: str
    dag_id: str
    state: str | None
    run_type: str | None = None
    triggered_by: str | None = None
    logical_date: datetime | None = None
    run_after: datetime | None = None
    queued_at: datetime | None = None
    start_date: datetime | None = None
    end_date: datetime | None = None
    duration_seconds: float | None = None
    conf: dict[str, Any] = msgspec.field(default_factory=dict)
    note: str | None = None
    deployment: str = "default"
    dag_versions: list[DagVersion] = msgspec.field(default_factory=list)
    """The DAG versions the run's tasks ran with (Airflow 3; more than one when the DAG changed
    while it ran, or a clear re-ran it on a newer one); empty on Airflow 2."""
    bundle_version: str | None = None
    """The bundle version (a git commit, say) the run was created from; None for a bundle that
    is not versioned, such as a plain DAGs folder, and on Airflow 2."""


class RunPage(Page[DagRun], kw_only=True, rename={"items": "runs"}):
    """One page of runs, newest first."""

    items: list[DagRun]


class Task(msgspec.Struct, kw_only=True):
    """A task of a DAG's structure (not a run of it)."""

    task_id: str
    label: str
    operator: str | None = None
    ui_color: str | None = None
    ui_fgcolor: str | None = None
    trigger_rule: str | None = None
    downstream_task_ids: list[str] = msgspec.field(default_factory=list)
    is_mapped: bool = False
    retries: int | None = None
    doc_md: str | None = None


class TaskInstance(msgspec.Struct, kw_only=True):
    """One try-independent instance of a task in a run; mapped tasks have one per ``map_index``."""

    task_id: str
    map_index: int = -1
    state: str | None = None
    queued_at: datetime | None = None
    """When its try was last handed to the executor (Airflow's ``queued_when``)."""
    start_date: datetime | None = None
    end_date: datetime | None = None
    duration: float | None = None
    try_number: int = 0
    max_tries: int = 0
    operator: str | None = None
    pool: str | None = None
    queue: str | None = None
    hostname: str | None = None
    rendered_map_index: str | None = None


class TaskInstancePage(Page[TaskInstance], kw_only=True, rename={"items": "instances"}):
    """One page of the instances of a mapped task."""

    items: list[TaskInstance]


class TaskSummary(msgspec.Struct, kw_only=True):
    """One entry per task of a run: a plain task's instance, or a mapped task aggregated.

    For a mapped task ``state`` is the aggregate (any failed → failed, any running/queued →
    running, all success → success, otherwise partial), ``start_date`` the earliest start,
    ``end_date`` the latest end, ``duration`` the wall-clock span between them (never the sum
    of its instances', which can exceed the run's) and ``p50_duration`` the median instance's.
    """

    task_id: str
    state: str | None
    is_mapped: bool = False
    map_count: int = 0
    state_counts: dict[str, int] = msgspec.field(default_factory=dict)
    start_date: datetime | None = None
    end_date: datetime | None = None
    duration: float | None = None
    p50_duration: float | None = None
    try_number: int = 0
    max_tries: int = 0
    operator: str | None = None
    pool: str | None = None
    queue: str | None = None
    map_index: int = -1


class GraphNode(msgspec.Struct, kw_only=True):
    """A node of a DAG graph; position fields are filled by the layout, state by the overlay."""

    id: str
    label: str
    kind: Literal["task", "group"] = "task"
    operator: str | None = None
    ui_color: str | None = None
    trigger_rule: str | None = None
    is_mapped: bool = False
    group_id: str | None = None
    x: float = 0.0
    y: float = 0.0
    width: float = 0.0
    height: float = 0.0
    state: str | None = None
    duration: float | None = None
    map_count: int = 0
    state_counts: dict[str, int] = msgspec.field(default_factory=dict)


class GraphEdge(msgspec.Struct, kw_only=True, frozen=True):
    """A dependency: ``source`` must run before ``target``."""

    source: str
    target: str


class Graph(msgspec.Struct, kw_only=True):
    """A DAG's structure: nodes and the edges between them."""

    nodes: list[GraphNode]
    edges: list[GraphEdge]
    width: float = 0.0
    height: float = 0.0


class ComponentReport(msgspec.Struct, kw_only=True):
    """What a deployment says of one of its components, before Airdeck classifies it."""

    status: str | None
    heartbeat: datetime | None = None


class ComponentHealth(msgspec.Struct, kw_only=True):
    """One component's classified health; ``age_seconds`` is the heartbeat's age."""

    status: HealthStatus
    heartbeat: datetime | None = None
    age_seconds: float | None = None
    message: str | None = None


class Health(msgspec.Struct, kw_only=True):
    """A deployment's health. ``reachable`` is false when Airflow could not be asked at all."""

    deployment: str
    reachable: bool
    status: HealthStatus
    scheduler: ComponentHealth
    db: ComponentHealth
    dag_processor: ComponentHealth
    triggerer: ComponentHealth
    message: str | None = None
    checked_at: datetime | None = None


class LogLine(msgspec.Struct, kw_only=True):
    """One line of a task log with what Airflow recorded about it. The parser keeps the text as
    the task wrote it; ``logs.readable_lines`` gives lines whose text is redacted."""

    text: str
    timestamp: datetime | None = None
    level: str | None = None
    logger: str | None = None
    group: Literal["start", "end"] | None = None
    """Set on Airflow's log-group markers: ``start`` (``text`` is the group's title) or ``end``."""


class LogPage(msgspec.Struct, kw_only=True):
    """Raw log events as Airflow serves them, and the continuation token that asks for only
    what comes after them (None once the log is complete)."""

    events: list[dict[str, Any] | str]
    continuation_token: str | None


class LogChunk(msgspec.Struct, kw_only=True):
    """A slice of a task log. Pass ``cursor`` back to get only the lines that came after it."""

    content: str
    lines: list[LogLine]
    cursor: str | None
    is_complete: bool
