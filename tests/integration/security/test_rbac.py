"""Every route declares a permission, and every route and role answers as the policy says."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Callable
from typing import Any

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa
from litestar import Litestar
from litestar.routes import HTTPRoute
from litestar.testing import AsyncTestClient

from airdeck_api.ratelimit import DEFAULT_LIMITS, RATE_LIMIT_OPT, group_of
from airdeck_domain.rbac import ALL_PERMISSIONS, ROLE_PERMISSIONS
from tests.integration.security.conftest import LOCAL_USERS
from tests.support.airflow_runs import ensure_run, get_run

pytestmark = pytest.mark.integration
Client = AsyncTestClient[Litestar]
NO_DAG = "rbac_matrix_no_such_dag"
BODIES: dict[str, dict[str, Any]] = {
    "setDagPaused": {"is_paused": True},
    "triggerRun": {"conf": {}},
    "clearTask": {"dry_run": True},
    "markTask": {"state": "success"},
    "markRun": {"state": "success"},
    "clearRun": {"dry_run": True},
    "setRunNote": {"note": "n"},
    "planBackfill": {"from_date": "2025-02-01T00:00:00Z", "to_date": "2025-02-02T00:00:00Z"},
    "createBackfill": {"from_date": "2025-02-01T00:00:00Z", "to_date": "2025-02-02T00:00:00Z"},
    "setBackfillPaused": {"is_paused": True},
    "respondToAction": {"chosen_options": ["Approve"]},
    "updateMetadata": {"environment": "dev"},
    "createConfig": {"name": "n", "conf": {}},
    "updateConfig": {"name": "m"},
    "createToken": {"username": "nobody", "password": "x"},
    "setConnectorPaused": {"paused": True},
    "previewAlertRule": {
        "name": "n",
        "selector": {"dag_id": "flaky_retry"},
        "conditions": [{"kind": "run_failed"}],
        "channels": [{"kind": "webhook", "url": "https://1.1.1.1/hook"}],
    },
}


def api_routes(app: Litestar, prefix: str = "/api") -> list[tuple[str, str, Any]]:
    """(method, path, handler) for every route under ``prefix``; with ``""``, every route but
    Litestar's OpenAPI document (``/metrics`` and the probes live at the root)."""
    found = []
    for route in app.routes:
        if (
            isinstance(route, HTTPRoute)
            and route.path.startswith(prefix)
            and not route.path.startswith("/schema")
        ):
            for handler in route.route_handlers:
                for method in handler.http_methods:
                    if method not in ("HEAD", "OPTIONS"):
                        found.append((method, route.path, handler))
    return found


@pytest.fixture(scope="module")
async def local(make_secure_app: Callable[..., Litestar]) -> AsyncIterator[tuple[Litestar, Client]]:
    app = make_secure_app(AIRDECK_AUTH_MODE="local")
    async with AsyncTestClient(app=app, timeout=60) as client:
        yield app, client


@pytest.fixture
async def own_local(
    make_secure_app: Callable[..., Litestar],
) -> AsyncIterator[tuple[Litestar, Client]]:
    """An app of the test's own, for a test that writes: each person has 10 writes a minute,
    and the module's shared app has spent some of them."""
    app = make_secure_app(AIRDECK_AUTH_MODE="local")
    async with AsyncTestClient(app=app, timeout=60) as client:
        yield app, client


async def token_for(client: Client, user: str) -> dict[str, str]:
    password = LOCAL_USERS[user][0]
    response = await client.post("/api/auth/token", json={"username": user, "password": password})
    assert response.status_code == 200, response.text
    return {"Authorization": f"Bearer {response.json()['access_token']}"}


def test_every_api_route_declares_a_permission(local: tuple[Litestar, Client]) -> None:
    app, _ = local
    routes = api_routes(app, prefix="")
    assert len(routes) >= 20
    missing = [
        (m, p) for m, p, h in routes if h.opt.get("permission") not in ALL_PERMISSIONS | {"public"}
    ]
    assert missing == []
    public = sorted(p for _, p, h in routes if h.opt["permission"] == "public")
    assert public == [
        "/api/auth/jwks.json",
        "/api/auth/me",
        "/api/auth/token",
        "/livez",
        "/readyz",
    ]


def test_every_api_route_counts_against_a_rate_limit_group(
    local: tuple[Litestar, Client],
) -> None:
    """Groups come from the route table, never from the path: a DAG named like a group
    (``logs``, ``health``) cannot move a write into another bucket."""
    app, _ = local
    groups = {(m, p): group_of(h, m) for m, p, h in api_routes(app)}
    assert set(groups.values()) <= set(DEFAULT_LIMITS), groups
    declared = {
        (m, p): h.opt[RATE_LIMIT_OPT] for m, p, h in api_routes(app) if RATE_LIMIT_OPT in h.opt
    }
    assert declared == {
        (
            "GET",
            "/api/orchestrator/dags/{dag_id:str}/runs/{run_id:str}/tasks/{task_id:str}/logs",
        ): "logs",
        ("GET", "/api/orchestrator/health"): "health",
        ("GET", "/api/orchestrator/deployments"): "health",
        ("POST", "/api/auth/token"): "sign_in",
        ("POST", "/api/orchestrator/alerts/rules/preview"): "reads",
    }, declared
    for (method, path), group in groups.items():
        if (method, path) not in declared:
            assert group == ("reads" if method == "GET" else "writes"), (method, path, group)


CALENDAR_RUN = "manual__calendar+airdeck"
"""The etl_pipeline run the calendar tests share (tests/integration/api/test_calendar.py)."""
MATRIX_CHUNK = 10
"""Routes one person walks in one minute of the matrix: the default limit is 10 writes a minute
(every route here may be a write), and the matrix runs at the default limits."""


@pytest.mark.parametrize("user", ["vera", "otto", "ada"])
async def test_route_role_matrix(make_secure_app: Callable[..., Litestar], user: str) -> None:
    role = LOCAL_USERS[user][1]
    routes = [
        r
        for r in api_routes(make_secure_app(AIRDECK_AUTH_MODE="local"), prefix="")
        if r[2].opt["permission"] != "public"
    ]
    assert len(routes) >= 20
    for start in range(0, len(routes), MATRIX_CHUNK):
        # A fresh app is a fresh rate-limit window (as a minute later would be): the person
        # makes at most MATRIX_CHUNK requests in it, at the default limits.
        app = make_secure_app(AIRDECK_AUTH_MODE="local")
        async with AsyncTestClient(app=app, timeout=60) as client:
            headers = await token_for(client, user)
            for method, path, handler in routes[start : start + MATRIX_CHUNK]:
                permission = handler.opt["permission"]
                url = (
                    path.replace("{dag_id:str}", NO_DAG)
                    .replace("{run_id:str}", "manual__x+00:00")
                    .replace("{task_id:str}", "t")
                    .replace("{config_id:uuid}", str(uuid.uuid4()))
                    .replace("{backfill_id:int}", "999999")
                    .replace("{version_number:int}", "1")
                    .replace("{rule_id:uuid}", str(uuid.uuid4()))
                    .replace("{connector_id:uuid}", str(uuid.uuid4()))
                )
                body = BODIES.get(handler.operation_id) if method in ("POST", "PATCH") else None
                response = await client.request(method, url, headers=headers, json=body)
                assert response.status_code != 429, (method, path, role, response.text)
                if permission in ROLE_PERMISSIONS[role]:
                    assert response.status_code not in (401, 403), (method, path, role)
                else:
                    assert response.status_code == 403, (method, path, role, response.status_code)
                    assert permission in response.json()["detail"]


async def test_scoped_operator_sees_and_triggers_only_their_team(
    local: tuple[Litestar, Client],
) -> None:
    _, client = local
    admin = await token_for(client, "ada")
    fin = await token_for(client, "fin")
    tagged = await client.patch(
        "/api/orchestrator/dags/flaky_retry/metadata", json={"owner_team": "finance"}, headers=admin
    )
    assert tagged.status_code == 200
    listed = (await client.get("/api/orchestrator/dags", headers=fin)).json()
    assert [d["dag_id"] for d in listed["dags"]] == ["flaky_retry"] and listed["total"] == 1
    everything = (
        await client.get("/api/orchestrator/dags", params={"limit": 100}, headers=admin)
    ).json()
    assert everything["total"] > 1
    ok = await client.post(
        "/api/orchestrator/dags/flaky_retry/runs", json={"conf": {}}, headers=fin
    )
    assert ok.status_code == 201, ok.text
    other = await client.post(
        "/api/orchestrator/dags/etl_pipeline/runs", json={"conf": {}}, headers=fin
    )
    # Out of scope answers like a DAG that does not exist (see the enumeration test below).
    assert other.status_code == 404 and "etl_pipeline" in other.json()["detail"]
    assert (await client.get("/api/orchestrator/dags/etl_pipeline", headers=fin)).status_code == 404
    assert (
        await client.get("/api/orchestrator/dags/etl_pipeline/runs", headers=fin)
    ).status_code == 404
    clear = await client.post(
        "/api/orchestrator/dags/flaky_retry/runs/x/tasks/flaky/clear",
        json={"dry_run": True},
        headers=fin,
    )
    assert clear.status_code == 403 and "tasks:clear" in clear.json()["detail"]


async def test_the_calendar_shows_a_scoped_operator_only_their_teams_dags(
    local: tuple[Litestar, Client], airflow: Any
) -> None:
    _, client = local
    admin = await token_for(client, "ada")
    fin = await token_for(client, "fin")
    await client.patch(
        "/api/orchestrator/dags/flaky_retry/metadata", json={"owner_team": "finance"}, headers=admin
    )
    ensure_run(airflow, "etl_pipeline", CALENDAR_RUN)
    run = get_run(airflow, "etl_pipeline", CALENDAR_RUN)
    assert run is not None
    window = {"view": "week", "day": run["start_date"][:10]}

    def dag_ids(calendar: dict[str, Any]) -> set[str]:
        return {e["dag_id"] for d in calendar["days"] for e in d["entries"]}

    seen_by_admin = await client.get("/api/orchestrator/calendar", params=window, headers=admin)
    seen_by_fin = await client.get("/api/orchestrator/calendar", params=window, headers=fin)
    assert seen_by_admin.status_code == seen_by_fin.status_code == 200
    assert "etl_pipeline" in dag_ids(seen_by_admin.json())
    assert dag_ids(seen_by_fin.json()) <= {"flaky_retry"}


async def test_missing_forged_and_expired_tokens_get_401(local: tuple[Litestar, Client]) -> None:
    _, client = local
    missing = await client.get("/api/orchestrator/dags")
    assert missing.status_code == 401 and missing.headers["www-authenticate"].startswith("Bearer")
    assert missing.headers["content-type"].startswith("application/problem+json")
    garbage = await client.get(
        "/api/orchestrator/dags", headers={"Authorization": "Bearer not-a-jwt"}
    )
    assert garbage.status_code == 401
    assert 'error="invalid_token"' in garbage.headers["www-authenticate"]
    assert garbage.headers["content-type"].startswith("application/problem+json")
    assert "Invalid bearer token" in garbage.json()["detail"]
    # A refused token is answered inside the middleware stack: the security headers stay on.
    assert garbage.headers["x-content-type-options"] == "nosniff"
    basic = await client.get("/api/orchestrator/dags", headers={"Authorization": "Basic YTpi"})
    assert basic.status_code == 401
    good = (await token_for(client, "ada"))["Authorization"].split()[1]
    claims = jwt.decode(good, options={"verify_signature": False})
    header = jwt.get_unverified_header(good)
    other_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    forged = jwt.encode(claims, other_key, algorithm="RS256", headers={"kid": header["kid"]})
    assert (
        await client.get("/api/orchestrator/dags", headers={"Authorization": f"Bearer {forged}"})
    ).status_code == 401
    wrong = await client.post("/api/auth/token", json={"username": "ada", "password": "nope"})
    assert wrong.status_code == 401
    assert "ada-pw" not in wrong.text


async def test_jwks_and_me(local: tuple[Litestar, Client]) -> None:
    _, client = local
    jwks = (await client.get("/api/auth/jwks.json")).json()
    assert jwks["keys"][0]["kty"] == "RSA" and "d" not in jwks["keys"][0]
    me = (await client.get("/api/auth/me", headers=await token_for(client, "otto"))).json()
    assert (
        me["role"] == "operator"
        and "dags:trigger" in me["permissions"]
        and "tasks:clear" not in me["permissions"]
    )


async def test_security_headers_and_cors(local: tuple[Litestar, Client]) -> None:
    _, client = local
    response = await client.get("/api/orchestrator/dags", headers=await token_for(client, "vera"))
    for header in (
        "x-content-type-options",
        "x-frame-options",
        "content-security-policy",
        "referrer-policy",
    ):
        assert header in response.headers
    allowed = await client.options(
        "/api/orchestrator/dags",
        headers={"Origin": "http://localhost:3000", "Access-Control-Request-Method": "GET"},
    )
    assert allowed.headers.get("access-control-allow-origin") == "http://localhost:3000"
    foreign = await client.options(
        "/api/orchestrator/dags",
        headers={"Origin": "https://evil.example", "Access-Control-Request-Method": "GET"},
    )
    assert foreign.headers.get("access-control-allow-origin") != "https://evil.example"


async def test_oversized_and_deep_bodies_are_refused(local: tuple[Litestar, Client]) -> None:
    _, client = local
    admin = await token_for(client, "ada")
    huge = await client.post(
        "/api/orchestrator/dags/parametrized_report/runs",
        json={"conf": {"x": "y" * 300_000}},
        headers=admin,
    )
    assert huge.status_code == 413, huge.text
    deep: dict[str, Any] = {}
    node = deep
    for _ in range(20):
        node["n"] = {}
        node = node["n"]
    nested = await client.post(
        "/api/orchestrator/dags/parametrized_report/runs", json={"conf": deep}, headers=admin
    )
    assert nested.status_code == 400 and "levels deep" in nested.text


# -- Scoped audit, enumeration and refused writes --------------------------------------------

SCOPED_ADMIN = ("fina", "fina-pw", "admin@team=finance")
P = "/api/orchestrator"


@pytest.fixture(scope="module")
async def with_scoped_admin(
    make_secure_app: Callable[..., Litestar], security_env: dict[str, str]
) -> AsyncIterator[Client]:
    name, password, role = SCOPED_ADMIN
    users = f"{security_env['AIRDECK_LOCAL_USERS']},{name}:{password}:{role}"
    app = make_secure_app(AIRDECK_AUTH_MODE="local", AIRDECK_LOCAL_USERS=users)
    async with AsyncTestClient(app=app, timeout=60) as client:
        # Audit rows for a finance DAG and another team's, written once for the module (each
        # person has 10 writes a minute).
        ada = await sign_in(client, "ada", "ada-pw")
        team = await client.patch(
            f"{P}/dags/flaky_retry/metadata", json={"owner_team": "finance"}, headers=ada
        )
        assert team.status_code == 200, team.text
        for dag_id in ("flaky_retry", "etl_pipeline"):
            starred = await client.post(f"{P}/dags/{dag_id}/favorite", headers=ada)
            assert starred.status_code == 200, starred.text
        yield client


async def sign_in(client: Client, user: str, password: str) -> dict[str, str]:
    response = await client.post("/api/auth/token", json={"username": user, "password": password})
    assert response.status_code == 200, response.text
    return {"Authorization": f"Bearer {response.json()['access_token']}"}


async def audit_of(client: Client, headers: dict[str, str], **params: str) -> dict[str, Any]:
    response = await client.get(f"{P}/audit", params={"limit": 200, **params}, headers=headers)
    assert response.status_code == 200, response.text
    page: dict[str, Any] = response.json()
    return page


@pytest.mark.parametrize(
    ("user", "sees"),
    [("ada", "everything"), ("fina", "finance"), ("otto", "nothing"), ("vera", "nothing")],
)
async def test_audit_rows_follow_the_callers_scope(
    with_scoped_admin: Client, user: str, sees: str
) -> None:
    client = with_scoped_admin
    ada = await sign_in(client, "ada", "ada-pw")
    password = SCOPED_ADMIN[1] if user == "fina" else LOCAL_USERS[user][0]
    headers = await sign_in(client, user, password)
    response = await client.get(f"{P}/audit", params={"limit": 200}, headers=headers)
    if sees == "nothing":
        assert response.status_code == 403 and "audit:read" in response.json()["detail"]
        return
    assert response.status_code == 200, response.text
    dags = {e["dag_id"] for e in response.json()["entries"]}
    if sees == "everything":
        assert {"flaky_retry", "etl_pipeline"} <= dags
        return
    assert dags == {"flaky_retry"}, dags
    finance = await audit_of(client, headers, dag_id="flaky_retry")
    assert finance["total"] == (await audit_of(client, ada, dag_id="flaky_retry"))["total"]
    assert (await audit_of(client, headers, dag_id="etl_pipeline"))["total"] == 0
    assert (await audit_of(client, headers))["total"] == finance["total"]


async def test_out_of_scope_dags_answer_exactly_like_missing_ones(
    own_local: tuple[Litestar, Client],
) -> None:
    _, client = own_local
    ada = await token_for(client, "ada")
    fin = await token_for(client, "fin")
    await client.patch(
        f"{P}/dags/flaky_retry/metadata", json={"owner_team": "finance"}, headers=ada
    )
    requests: list[tuple[str, str, dict[str, Any] | None]] = [
        ("GET", "/dags/{}", None),
        ("GET", "/dags/{}/runs", None),
        ("GET", "/dags/{}/overview", None),
        ("GET", "/dags/{}/runs/x/gantt", None),
        ("GET", "/dags/{}/grid", None),
        ("GET", "/dags/{}/configs", None),
        ("POST", "/dags/{}/runs", {"conf": {}}),
        ("PATCH", "/dags/{}/pause", {"is_paused": True}),
        ("POST", "/dags/{}/favorite", None),
        ("POST", "/dags/{}/configs", {"name": "n", "conf": {}}),
    ]
    for method, template, body in requests:
        missing = await client.request(method, P + template.format(NO_DAG), json=body, headers=fin)
        hidden = await client.request(
            method, P + template.format("etl_pipeline"), json=body, headers=fin
        )
        assert (missing.status_code, hidden.status_code) == (404, 404), (method, template)
        assert hidden.json() == {
            **missing.json(),
            "detail": missing.json()["detail"].replace(NO_DAG, "etl_pipeline"),
        }, (method, template)
        assert hidden.headers["content-type"] == missing.headers["content-type"]


async def test_refused_writes_are_audited_as_refused(
    own_local: tuple[Litestar, Client],
) -> None:
    _, client = own_local
    ada = await token_for(client, "ada")
    vera = await token_for(client, "vera")
    fin = await token_for(client, "fin")
    await client.patch(
        f"{P}/dags/flaky_retry/metadata", json={"owner_team": "finance"}, headers=ada
    )
    refused = await client.post(f"{P}/dags/flaky_retry/runs", json={"conf": {}}, headers=vera)
    assert refused.status_code == 403
    (row, *_) = (await audit_of(client, ada, user="vera", action="trigger_run"))["entries"]
    assert (row["outcome"], row["status_code"], row["dag_id"]) == ("refused", 403, "flaky_retry")
    assert "dags:trigger" in row["reason"]
    cleared = await client.post(
        f"{P}/dags/flaky_retry/runs/x/tasks/flaky/clear", json={"dry_run": True}, headers=fin
    )
    assert cleared.status_code == 403
    (row, *_) = (await audit_of(client, ada, user="fin", action="clear_task"))["entries"]
    assert (row["outcome"], row["status_code"]) == ("refused", 403)
    hidden = await client.post(f"{P}/dags/etl_pipeline/runs", json={"conf": {}}, headers=fin)
    assert hidden.status_code == 404
    (row, *_) = (await audit_of(client, ada, user="fin", action="trigger_run"))["entries"]
    assert (row["outcome"], row["status_code"], row["dag_id"]) == ("refused", 404, "etl_pipeline")
    refusals = await audit_of(client, ada, outcome="refused")
    assert refusals["total"] >= 3
