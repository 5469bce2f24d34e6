"""Required actions: human-in-the-loop tasks (Airflow 3.1+) waiting for a person to approve,
reject, choose or fill a form, and the rules a response must meet before Airflow sees it.

Airflow keeps one request per task instance (its "HITL detail"): a subject, a body, the options
a person may choose (one, or several when ``multiple``), the options taken by default, and a
form's params in the same shape as a DAG's params. The task waits (``awaiting_input`` on
Airflow 3.3+, ``deferred`` before) until a response is written or its timeout passes.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any, Literal

import msgspec

from airdeck_domain.caching import CacheRule
from airdeck_domain.conf import check_conf_limits, params_to_schema, validate_conf
from airdeck_domain.models import Page

WAITING_STATES = frozenset({"awaiting_input", "deferred"})
"""The task instance states in which a human-in-the-loop task waits for its response."""

ActionState = Literal["pending", "responded", "all"]
"""Which actions a list shows: those still waiting, those answered, or every one."""
ACTION_STATES: tuple[ActionState, ...] = ("pending", "responded", "all")

INBOX_TTL = 5.0
"""How long one read of a deployment's requests answers every caller's inbox (and header
count): requests appear without Airdeck, so they are re-read at most this often; a response
through Airdeck drops them at once."""


def inbox(deployment: str, dag_id: str | None, state: ActionState) -> CacheRule:
    """Every request of a deployment (or of one DAG) in ``state``, as Airflow lists them."""
    return CacheRule(key=f"{deployment}:required-actions:{dag_id or '~'}:{state}", ttl=INBOX_TTL)


def inbox_keys(deployment: str, dag_id: str) -> tuple[str, ...]:
    """The inbox entries a response to one of ``dag_id``'s requests makes wrong."""
    return tuple(
        rule.key
        for scope in (None, dag_id)
        for state in ACTION_STATES
        if (rule := inbox(deployment, scope, state)).key is not None
    )


class Respondent(msgspec.Struct, kw_only=True):
    """A person as Airflow records them on a request or its response."""

    id: str
    name: str


class RequiredAction(msgspec.Struct, kw_only=True):
    """One human-in-the-loop request and, once given, its response.

    ``params`` are Airflow's as given (name → ``{"value", "schema", "description"}``, as a
    DAG's); ``params_schema`` folds them into one JSON schema, the shape the trigger form
    renders. ``waiting`` is true while a response can still be given."""

    dag_id: str
    run_id: str
    task_id: str
    map_index: int = -1
    deployment: str = "default"
    dag_display_name: str | None = None
    task_display_name: str | None = None
    task_state: str | None = None
    run_after: datetime | None = None
    subject: str
    body: str | None = None
    options: list[str]
    multiple: bool = False
    defaults: list[str] | None = None
    params: dict[str, Any] = msgspec.field(default_factory=dict)
    params_schema: dict[str, Any] = msgspec.field(default_factory=dict)
    assigned_users: list[Respondent] = msgspec.field(default_factory=list)
    created_at: datetime | None = None
    response_received: bool = False
    responded_by: Respondent | None = None
    responded_at: datetime | None = None
    chosen_options: list[str] | None = None
    params_input: dict[str, Any] = msgspec.field(default_factory=dict)
    waiting: bool = False


class RequiredActionPage(Page[RequiredAction], kw_only=True, rename={"items": "actions"}):
    """One page of required actions, oldest request first; ``total`` counts every match the
    caller may see, so it is the inbox's count."""

    items: list[RequiredAction]


RESPONSE_SETTLE = 10.0
"""Seconds a request must have waited before a response is sent. Airflow 3.3 parks a
human-in-the-loop task and ends its first workload a few seconds later (the worker's supervisor
notices the task process gone within its heartbeat interval, 5 s by default). A response that
re-queues the task before the scheduler has heard that workload end makes the scheduler take
the stale "finished" report for the new try and fail the task (seen with the LocalExecutor).
People never answer that fast; scripts and tests do, and wait out the rest of this."""


def settle_delay(created_at: datetime | None, now: datetime) -> float:
    """How long to wait before responding to a request made at ``created_at`` (0 once it has
    waited ``RESPONSE_SETTLE`` seconds; never more than that, whatever the clocks say)."""
    if created_at is None:
        return 0.0
    waited = (now - created_at).total_seconds()
    return min(max(RESPONSE_SETTLE - waited, 0.0), RESPONSE_SETTLE)


def is_waiting(task_state: str | None, response_received: bool) -> bool:
    """Whether a request can still be answered: no response yet and its task still waits."""
    return not response_received and task_state in WAITING_STATES


def with_schema(action: RequiredAction) -> RequiredAction:
    """The action with ``params_schema`` folded from its params and ``waiting`` decided."""
    return msgspec.structs.replace(
        action,
        params_schema=params_to_schema(action.params) if action.params else {},
        waiting=is_waiting(action.task_state, action.response_received),
    )


def why_closed(action: RequiredAction) -> str | None:
    """Why ``action`` can no longer be answered, in words fit for a 409 (None while it can):
    answered already (by whom, when), or its task no longer waiting (timed out, cleared,
    marked)."""
    if action.response_received:
        who = action.responded_by.name if action.responded_by else "its timeout's defaults"
        when = f" at {action.responded_at.isoformat()}" if action.responded_at else ""
        return (
            f"Task '{action.task_id}' of run '{action.run_id}' was already answered by {who}{when}"
        )
    if action.task_state not in WAITING_STATES:
        return (
            f"Task '{action.task_id}' of run '{action.run_id}' no longer waits for a response "
            f"(its state is {action.task_state or 'none'}: it timed out, or was cleared or "
            "marked)"
        )
    return None


def chosen_or_default(action: RequiredAction, chosen: Sequence[str] | None) -> list[str]:
    """The options a response chooses: those given, or the action's defaults when none are
    (a form with a single default option, such as an entry form's OK, needs no choice)."""
    if chosen:
        return list(chosen)
    return list(action.defaults or [])


def completed_input(action: RequiredAction, given: Mapping[str, Any] | None) -> dict[str, Any]:
    """The form's answer with every param present: the ones given, the defaults for the rest.
    Airflow's operator refuses an answer that does not name exactly its params."""
    if not action.params:
        return dict(given or {})
    schema = params_to_schema(action.params)
    defaults = {
        name: prop["default"] for name, prop in schema["properties"].items() if "default" in prop
    }
    return {**defaults, **(given or {})}


def response_errors(
    action: RequiredAction, chosen: Sequence[str], params_input: Mapping[str, Any]
) -> dict[str, str]:
    """Per-field problems of a response (empty when Airflow may be given it): at least one
    chosen option, each one of the action's options, only one unless ``multiple``; the form's
    answer within the size limits, naming only the action's params, and valid against their
    schema (the check a trigger's conf gets). Fields are named as in the request body:
    ``chosen_options``, ``params_input``, ``params_input.<param>``."""
    errors: dict[str, str] = {}
    if not chosen:
        errors["chosen_options"] = "choose at least one of: " + ", ".join(action.options)
    elif unknown := sorted(set(chosen) - set(action.options)):
        errors["chosen_options"] = (
            f"{', '.join(unknown)} not among the options ({', '.join(action.options)})"
        )
    elif len(chosen) > 1 and not action.multiple:
        errors["chosen_options"] = "only one option may be chosen"
    limits = check_conf_limits(dict(params_input))
    if limits:
        errors["params_input"] = limits["conf"]
        return errors
    extra = sorted(set(params_input) - set(action.params))
    if extra:
        errors["params_input"] = f"{', '.join(extra)} not among the form's fields" + (
            f" ({', '.join(action.params)})" if action.params else " (it has none)"
        )
        return errors
    if action.params:
        for field, problem in validate_conf(params_to_schema(action.params), params_input).items():
            errors["params_input" if field == "conf" else f"params_input.{field}"] = problem
    return errors
