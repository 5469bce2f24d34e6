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

from airdeck_domain.rbac import ALL_PERMISSIONS, ROLE_PERMISSIONS
from tests.integration.security.conftest import LOCAL_USERS

pytestmark = pytest.mark.integration
Client = AsyncTestClient[Litestar]
NO_DAG = "rbac_matrix_no_such_dag"
BODIES: dict[str, dict[str, Any]] = {
    "setDagPaused": {"is_paused": True},
    "triggerRun": {"conf": {}},
    "clearTask": {"dry_run": True},
    "markTask": {"state": "success"},
    "updateMetadata": {"environment": "dev"},
    "createConfig": {"name": "n", "conf": {}},
    "updateConfig": {"name": "m"},
    "createToken": {"username": "nobody", "password": "x"},
}


def api_routes(app: Litestar) -> list[tuple[str, str, Any]]:
    """(method, path, handler) for every route under /api."""
    found = []
    for route in app.routes:
        if isinstance(route, HTTPRoute) and route.path.startswith("/api"):
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


async def token_for(client: Client, user: str) -> dict[str, str]:
    password = LOCAL_USERS[user][0]
    response = await client.post("/api/auth/token", json={"username": user, "password": password})
    assert response.status_code == 200, response.text
    return {"Authorization": f"Bearer {response.json()['access_token']}"}


def test_every_api_route_declares_a_permission(local: tuple[Litestar, Client]) -> None:
    app, _ = local
    routes = api_routes(app)
    assert len(routes) >= 20
    missing = [
        (m, p) for m, p, h in routes if h.opt.get("permission") not in ALL_PERMISSIONS | {"public"}
    ]
    assert missing == []
    public = sorted(p for _, p, h in routes if h.opt["permission"] == "public")
    assert public == ["/api/auth/jwks.json", "/api/auth/me", "/api/auth/token"]


@pytest.mark.parametrize("user", ["vera", "otto", "ada"])
async def test_route_role_matrix(local: tuple[Litestar, Client], user: str) -> None:
    app, client = local
    headers = await token_for(client, user)
    role = LOCAL_USERS[user][1]
    checked = 0
    for method, path, handler in api_routes(app):
        permission = handler.opt["permission"]
        if permission == "public":
            continue
        url = (
            path.replace("{dag_id:str}", NO_DAG)
            .replace("{run_id:str}", "manual__x+00:00")
            .replace("{task_id:str}", "t")
            .replace("{config_id:uuid}", str(uuid.uuid4()))
        )
        body = BODIES.get(handler.operation_id) if method in ("POST", "PATCH") else None
        response = await client.request(method, url, headers=headers, json=body)
        allowed = permission in ROLE_PERMISSIONS[role]
        if allowed:
            assert response.status_code not in (401, 403), (method, path, role, response.text)
        else:
            assert response.status_code == 403, (method, path, role, response.status_code)
            assert permission in response.json()["detail"]
        checked += 1
    assert checked >= 20


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
    assert other.status_code == 403 and "etl_pipeline" in other.json()["detail"]
    assert (await client.get("/api/orchestrator/dags/etl_pipeline", headers=fin)).status_code == 403
    assert (
        await client.get("/api/orchestrator/dags/etl_pipeline/runs", headers=fin)
    ).status_code == 403
    clear = await client.post(
        "/api/orchestrator/dags/flaky_retry/runs/x/tasks/flaky/clear",
        json={"dry_run": True},
        headers=fin,
    )
    assert clear.status_code == 403 and "tasks:clear" in clear.json()["detail"]


async def test_missing_forged_and_expired_tokens_get_401(local: tuple[Litestar, Client]) -> None:
    _, client = local
    missing = await client.get("/api/orchestrator/dags")
    assert missing.status_code == 401 and missing.headers["www-authenticate"].startswith("Bearer")
    assert missing.headers["content-type"].startswith("application/problem+json")
    garbage = await client.get(
        "/api/orchestrator/dags", headers={"Authorization": "Bearer not-a-jwt"}
    )
    assert garbage.status_code == 401
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
