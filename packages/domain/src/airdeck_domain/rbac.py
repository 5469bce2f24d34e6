"""Who may do what: roles, DAG-scoped grants, and one function that decides.

Roles (README.md, "Security"): a ``viewer`` reads DAGs; an ``operator`` also triggers, pauses,
backfills, reads logs, saves run configs, defines alerts and API connectors and responds
to human-in-the-loop tasks; an ``admin`` may do everything,
including clearing tasks, editing metadata, reading the audit log and reading the service's
metrics. A ``Grant`` gives a role's permissions only on the DAGs that match all of its
selectors (tag, owner team, environment, Airflow deployment) — e.g. an operator of
``team=finance``, or of every DAG of the ``staging`` deployment. Permissions about the whole
service rather than some DAGs (``GLOBAL_PERMISSIONS``) come from a global role only,
never from a grant.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Literal, get_args

import msgspec

Permission = Literal[
    "dags:read",
    "dags:trigger",
    "dags:pause",
    "dags:backfill",
    "logs:read",
    "tasks:clear",
    "tasks:respond",
    "metadata:write",
    "audit:read",
    "configs:write",
    "alerts:write",
    "connectors:write",
    "metrics:read",
]
Role = Literal["viewer", "operator", "admin"]

ALL_PERMISSIONS: frozenset[str] = frozenset(get_args(Permission))
ROLES: tuple[str, ...] = get_args(Role)
WRITE_PERMISSIONS: frozenset[str] = ALL_PERMISSIONS - {
    "dags:read",
    "logs:read",
    "audit:read",
    "metrics:read",
}
GLOBAL_PERMISSIONS: frozenset[str] = frozenset({"metrics:read"})
"""Held through a global role only: metrics count every DAG's requests and every deployment's
health, so a grant scoped to some DAGs never carries them."""

ROLE_PERMISSIONS: dict[str, frozenset[str]] = {
    "viewer": frozenset({"dags:read"}),
    "operator": frozenset(
        {
            "dags:read",
            "dags:trigger",
            "dags:pause",
            "dags:backfill",
            "logs:read",
            "configs:write",
            "alerts:write",
            "connectors:write",
            "tasks:respond",
        }
    ),
    "admin": ALL_PERMISSIONS,
}


class Grant(msgspec.Struct, frozen=True, kw_only=True):
    """A role on the DAGs matching every selector given (at least one must be)."""

    role: Role
    tag: str | None = None
    owner_team: str | None = None
    environment: str | None = None
    deployment: str | None = None
    """The Airflow deployment (its id in Airdeck) whose DAGs the grant is about; None: any."""

    def describe(self) -> str:
        """``operator of team=finance`` style text."""
        selectors = [
            f"{name}={value}"
            for name, value in (
                ("tag", self.tag),
                ("team", self.owner_team),
                ("environment", self.environment),
                ("deployment", self.deployment),
            )
            if value is not None
        ]
        return f"{self.role} of {' '.join(selectors) or 'nothing'}"

    @property
    def selects(self) -> bool:
        """Whether the grant sets a selector at all (one that sets none matches nothing)."""
        return any(
            value is not None
            for value in (self.tag, self.owner_team, self.environment, self.deployment)
        )


class Principal(msgspec.Struct, frozen=True, kw_only=True):
    """An authenticated caller: a global ``role`` (None when only scoped) and scoped grants."""

    subject: str
    role: Role | None = None
    grants: tuple[Grant, ...] = ()
    name: str | None = None


class DagScope(msgspec.Struct, frozen=True, kw_only=True):
    """What grants are matched against: a DAG's tags (Airflow's and custom), team, environment,
    and the deployment it lives in (None only where no deployment is known)."""

    dag_id: str
    tags: frozenset[str] = frozenset()
    owner_team: str | None = None
    environment: str | None = None
    deployment: str | None = None


class Decision(msgspec.Struct, frozen=True):
    """The answer and why, in words fit for a 403 message or an audit row."""

    allowed: bool
    reason: str


def permissions_of(role: str | None) -> frozenset[str]:
    """The permissions a role grants (none for an unknown role)."""
    return ROLE_PERMISSIONS.get(role or "", frozenset())


def scoped_permissions_of(role: str | None) -> frozenset[str]:
    """The permissions a grant of ``role`` gives on the DAGs it matches (``GLOBAL_PERMISSIONS``
    excluded)."""
    return permissions_of(role) - GLOBAL_PERMISSIONS


def matches(grant: Grant, dag: DagScope) -> bool:
    """Whether a grant applies to a DAG: every selector it sets must match, and it sets one."""
    if not grant.selects:
        return False
    return (
        (grant.tag is None or grant.tag in dag.tags)
        and (grant.owner_team is None or grant.owner_team == dag.owner_team)
        and (grant.environment is None or grant.environment == dag.environment)
        and (grant.deployment is None or grant.deployment == dag.deployment)
    )


def decide(principal: Principal, permission: str, dag: DagScope | None) -> Decision:
    """Whether ``principal`` holds ``permission`` — on ``dag``, or, when ``dag`` is None, on at
    least some DAG (the route-level check; the DAG-level check follows once the DAG is known)."""
    if permission not in ALL_PERMISSIONS:
        return Decision(False, f"unknown permission '{permission}'")
    if permission in permissions_of(principal.role):
        return Decision(True, f"role {principal.role} grants {permission}")
    holding = [g for g in principal.grants if permission in scoped_permissions_of(g.role)]
    if dag is None:
        if holding:
            return Decision(True, f"{holding[0].describe()} grants {permission} on some DAGs")
        return Decision(False, f"{_who(principal)} does not grant {permission}")
    for grant in holding:
        if matches(grant, dag):
            return Decision(True, f"{grant.describe()} grants {permission} on {dag.dag_id}")
    return Decision(False, f"{_who(principal)} does not grant {permission} on {dag.dag_id}")


def visible(principal: Principal, dag: DagScope) -> bool:
    """Whether the DAG shows up for the principal at all (it may read it)."""
    return decide(principal, "dags:read", dag).allowed


def sees_deployment(principal: Principal, deployment: str) -> bool:
    """Whether any DAG of ``deployment`` can show up for the principal: a global role sees every
    deployment; a grant sees the one it names, or every one when it names none (its other
    selectors may match DAGs anywhere). Never false for a deployment holding a DAG the
    principal may read."""
    if "dags:read" in permissions_of(principal.role):
        return True
    return any(
        "dags:read" in scoped_permissions_of(g.role)
        and g.selects
        and g.deployment in (None, deployment)
        for g in principal.grants
    )


def visible_deployments(principal: Principal, deployments: Iterable[str]) -> list[str]:
    """The ``deployments`` the principal may see (``sees_deployment``), in their order."""
    return [d for d in deployments if sees_deployment(principal, d)]


def _who(principal: Principal) -> str:
    parts = [f"role {principal.role}"] if principal.role else []
    parts += [g.describe() for g in principal.grants]
    return ", ".join(parts) or "no role"
