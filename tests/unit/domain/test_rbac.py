"""RBAC: viewers never write, scoped grants never leak to other DAGs."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from airdeck_domain.rbac import (
    ALL_PERMISSIONS,
    GLOBAL_PERMISSIONS,
    ROLE_PERMISSIONS,
    WRITE_PERMISSIONS,
    DagScope,
    Grant,
    Principal,
    decide,
    sees_deployment,
    visible,
    visible_deployments,
)

names = st.sampled_from(["finance", "marketing", "ops", "eu", "prod", "dev"])
deployment_ids = st.sampled_from(["default", "staging", "prod"])
scopes = st.builds(
    DagScope,
    dag_id=st.sampled_from(["a", "b", "c"]),
    tags=st.frozensets(names, max_size=3),
    owner_team=st.none() | names,
    environment=st.none() | names,
    deployment=deployment_ids,
)
grants = st.builds(
    Grant,
    role=st.sampled_from(["viewer", "operator", "admin"]),
    tag=st.none() | names,
    owner_team=st.none() | names,
    environment=st.none() | names,
    deployment=st.none() | deployment_ids,
)
principals = st.builds(
    Principal,
    subject=st.just("p"),
    role=st.none() | st.sampled_from(["viewer", "operator", "admin"]),
    grants=st.lists(grants, max_size=3).map(tuple),
)


@given(st.sampled_from(sorted(ALL_PERMISSIONS)), st.none() | scopes)
def test_viewer_never_gets_a_write_permission(permission: str, dag: DagScope | None) -> None:
    decision = decide(Principal(subject="v", role="viewer"), permission, dag)
    assert decision.allowed == (permission == "dags:read")
    if permission in WRITE_PERMISSIONS:
        assert not decision.allowed


@given(
    names,
    st.sampled_from(["viewer", "operator", "admin"]),
    scopes,
    st.sampled_from(sorted(ALL_PERMISSIONS)),
)
def test_scoped_grant_never_leaks_to_another_dag(
    team: str, role: str, dag: DagScope, permission: str
) -> None:
    principal = Principal(subject="s", grants=(Grant(role=role, owner_team=team),))  # type: ignore[arg-type]
    decision = decide(principal, permission, dag)
    if dag.owner_team != team:
        assert not decision.allowed
    else:
        # A grant gives its role's permissions on matching DAGs, but never a global one.
        assert decision.allowed == (permission in ROLE_PERMISSIONS[role] - GLOBAL_PERMISSIONS)


@given(st.sampled_from(["viewer", "operator", "admin"]), st.none() | scopes)
def test_global_permissions_come_from_a_global_role_only(role: str, dag: DagScope | None) -> None:
    selectors = {"owner_team": "finance", "tag": "payments", "environment": "prod"}
    everywhere = DagScope(
        dag_id="a", tags=frozenset({"payments"}), owner_team="finance", environment="prod"
    )
    grants = tuple(Grant(role=role, **{k: v}) for k, v in selectors.items())  # type: ignore[arg-type]
    scoped = Principal(subject="s", grants=grants)
    for permission in GLOBAL_PERMISSIONS:
        assert not decide(scoped, permission, dag).allowed
        assert not decide(scoped, permission, everywhere).allowed
        assert not decide(scoped, permission, None).allowed
        granted = decide(Principal(subject="g", role=role), permission, dag).allowed  # type: ignore[arg-type]
        assert granted == (permission in ROLE_PERMISSIONS[role])


def test_operator_of_finance_triggers_only_finance_dags() -> None:
    alice = Principal(subject="alice", grants=(Grant(role="operator", owner_team="finance"),))
    finance = DagScope(dag_id="ledger", owner_team="finance")
    other = DagScope(dag_id="ads", owner_team="marketing")
    assert decide(alice, "dags:trigger", finance).allowed
    denied = decide(alice, "dags:trigger", other)
    assert not denied.allowed
    assert "dags:trigger" in denied.reason and "ads" in denied.reason
    assert decide(alice, "dags:trigger", None).allowed, "route-level: she may trigger some DAGs"
    assert not decide(alice, "tasks:clear", finance).allowed
    assert visible(alice, finance) and not visible(alice, other)


def test_grant_selectors_combine_and_an_empty_grant_matches_nothing() -> None:
    grant = Grant(role="admin", tag="payments", environment="prod")
    p = Principal(subject="p", grants=(grant,))
    assert decide(
        p, "tasks:clear", DagScope(dag_id="x", tags=frozenset({"payments"}), environment="prod")
    ).allowed
    assert not decide(
        p, "tasks:clear", DagScope(dag_id="x", tags=frozenset({"payments"}), environment="dev")
    ).allowed
    empty = Principal(subject="e", grants=(Grant(role="admin"),))
    assert not decide(empty, "dags:read", DagScope(dag_id="x")).allowed


def test_roles_follow_the_guide() -> None:
    assert ROLE_PERMISSIONS["viewer"] == {"dags:read"}
    assert {"dags:trigger", "dags:pause", "logs:read"} <= ROLE_PERMISSIONS["operator"]
    assert "tasks:clear" not in ROLE_PERMISSIONS["operator"]
    assert ROLE_PERMISSIONS["admin"] == ALL_PERMISSIONS
    assert "metrics:read" in ROLE_PERMISSIONS["admin"]
    assert "metrics:read" not in ROLE_PERMISSIONS["operator"] | ROLE_PERMISSIONS["viewer"]
    assert not decide(Principal(subject="x", role="admin"), "dags:destroy", None).allowed


@given(
    deployment_ids,
    st.sampled_from(["viewer", "operator", "admin"]),
    scopes,
    st.sampled_from(sorted(ALL_PERMISSIONS)),
)
def test_a_deployment_grant_never_leaks_to_another_deployment(
    deployment: str, role: str, dag: DagScope, permission: str
) -> None:
    principal = Principal(subject="s", grants=(Grant(role=role, deployment=deployment),))  # type: ignore[arg-type]
    decision = decide(principal, permission, dag)
    if dag.deployment != deployment:
        assert not decision.allowed
        assert not sees_deployment(principal, dag.deployment or "")
    else:
        # Alone, a deployment selector covers every DAG of that deployment.
        assert decision.allowed == (permission in ROLE_PERMISSIONS[role] - GLOBAL_PERMISSIONS)
        assert sees_deployment(principal, deployment)


@given(principals, scopes)
def test_a_readable_dag_is_always_in_a_visible_deployment(
    principal: Principal, dag: DagScope
) -> None:
    """Lists drop the deployments a caller cannot see before reading them: that must never
    hide a DAG the caller may read."""
    if visible(principal, dag):
        assert dag.deployment is not None and sees_deployment(principal, dag.deployment)
        assert (
            visible_deployments(principal, ["default", "staging", "prod"]).count(dag.deployment)
            == 1
        )


@given(principals)
def test_visible_deployments_keep_their_order_and_follow_the_role(principal: Principal) -> None:
    every = ["prod", "default", "staging"]
    seen = visible_deployments(principal, every)
    assert seen == [d for d in every if d in seen]
    if principal.role is not None:
        assert seen == every, "a global role sees every deployment"
    if principal.role is None and not principal.grants:
        assert seen == []


def test_deployment_selectors_combine_with_the_others() -> None:
    grant = Grant(role="operator", owner_team="finance", deployment="staging")
    fin = Principal(subject="fin", grants=(grant,))
    staging = DagScope(dag_id="ledger", owner_team="finance", deployment="staging")
    prod = DagScope(dag_id="ledger", owner_team="finance", deployment="prod")
    other_team = DagScope(dag_id="ads", owner_team="marketing", deployment="staging")
    assert decide(fin, "dags:trigger", staging).allowed
    refused = decide(fin, "dags:trigger", prod)
    assert not refused.allowed and "deployment=staging" in refused.reason
    assert not decide(fin, "dags:read", other_team).allowed
    assert visible_deployments(fin, ["prod", "staging"]) == ["staging"]
    team_anywhere = Principal(subject="t", grants=(Grant(role="viewer", owner_team="finance"),))
    assert visible_deployments(team_anywhere, ["prod", "staging"]) == ["prod", "staging"]
    nothing = Principal(subject="n", grants=(Grant(role="admin"),))
    assert visible_deployments(nothing, ["prod", "staging"]) == []
