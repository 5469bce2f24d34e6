"""Every route of the app, at the root as under ``/api``, declares who may call it, and the
routes outside the orchestrator router check it themselves (the router's guard does not reach
them). Litestar's own OpenAPI routes (``/schema``) are the only ones that declare nothing."""

from __future__ import annotations

from typing import Any

from litestar import Litestar
from litestar.routes import HTTPRoute

from airdeck_api.app import create_app
from airdeck_api.auth.scraper import accepts_scrape_token
from airdeck_api.guards import PUBLIC, require_permission
from airdeck_api.settings import Settings
from airdeck_domain.rbac import ALL_PERMISSIONS

ENV = {
    "AIRDECK_AIRFLOW_URL": "http://127.0.0.1:8080",
    "AIRDECK_AIRFLOW_USERNAME": "airdeck",
    "AIRDECK_LOCAL_USERS": "ann:pw:admin",
}


def routes(app: Litestar) -> list[tuple[str, str, Any]]:
    """(method, path, handler) of every HTTP route but the OpenAPI document's."""
    return [
        (method, route.path, handler)
        for route in app.routes
        if isinstance(route, HTTPRoute) and not route.path.startswith("/schema")
        for handler in route.route_handlers
        for method in handler.http_methods
        if method not in ("HEAD", "OPTIONS")
    ]


def test_every_route_declares_a_permission_and_few_are_public() -> None:
    table = routes(create_app(Settings.from_env(ENV)))
    assert len(table) >= 25
    undeclared = [
        (m, p) for m, p, h in table if h.opt.get("permission") not in ALL_PERMISSIONS | {PUBLIC}
    ]
    assert undeclared == []
    public = sorted(p for _, p, h in table if h.opt["permission"] == PUBLIC)
    assert public == ["/api/auth/jwks.json", "/api/auth/me", "/api/auth/token", "/livez", "/readyz"]
    # Only the probes skip authentication; only /metrics takes the scraper's token.
    unauthenticated = sorted(p for _, p, h in table if h.opt.get("exclude_from_auth"))
    assert unauthenticated == ["/livez", "/readyz"]
    assert [p for _, p, h in table if accepts_scrape_token(h)] == ["/metrics"]
    assert [h.opt["permission"] for _, p, h in table if p == "/metrics"] == ["metrics:read"]


def test_routes_outside_the_orchestrator_router_check_their_permission() -> None:
    table = routes(create_app(Settings.from_env(ENV)))
    root = [(p, h) for _, p, h in table if not p.startswith("/api/")]
    assert sorted(p for p, _ in root) == ["/livez", "/metrics", "/readyz"]
    for path, handler in root:
        assert require_permission in handler.resolve_guards(), path


def test_the_deployments_route_is_a_read_any_reader_may_make() -> None:
    table = routes(create_app(Settings.from_env(ENV)))
    declared = [(m, h.opt["permission"]) for m, p, h in table if p.endswith("/deployments")]
    assert declared == [("GET", "dags:read")]


def test_alert_rules_are_read_with_dags_read_and_written_with_alerts_write() -> None:
    table = routes(create_app(Settings.from_env(ENV)))
    declared = {
        (m, p.removeprefix("/api/orchestrator/alerts/rules")): (
            h.opt["permission"],
            h.opt.get("audit"),
        )
        for m, p, h in table
        if p.startswith("/api/orchestrator/alerts/rules")
    }
    reads = {k: v for k, v in declared.items() if k[0] == "GET"}
    assert set(reads.values()) == {("dags:read", None)} and len(reads) == 3
    writes = {k: v for k, v in declared.items() if k[0] != "GET"}
    assert {permission for permission, _ in writes.values()} == {"alerts:write"}
    # Every write is audited but the preview, which stores nothing.
    assert [k for k, (_, audit) in writes.items() if audit is None] == [("POST", "/preview")]


def test_connectors_are_read_with_dags_read_and_written_with_connectors_write() -> None:
    table = routes(create_app(Settings.from_env(ENV)))
    declared = {
        (m, p.removeprefix("/api/orchestrator/connectors")): (
            h.opt["permission"],
            h.opt.get("audit"),
            h.operation_id,
        )
        for m, p, h in table
        if p.startswith("/api/orchestrator/connectors")
    }
    reads = {k: v for k, v in declared.items() if k[0] == "GET"}
    assert {(p, a) for p, a, _ in reads.values()} == {("dags:read", None)} and len(reads) == 2
    writes = {k: v for k, v in declared.items() if k[0] != "GET"}
    assert {permission for permission, _, _ in writes.values()} == {"connectors:write"}
    # Every write is audited but the live test call, which stores nothing.
    assert [k for k, (_, audit, _) in writes.items() if audit is None] == [("POST", "/preview")]
    assert all(operation for _, _, operation in declared.values())
    assert len(declared) == 7
