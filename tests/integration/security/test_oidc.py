"""Tokens from a real OpenID provider are accepted; tampered ones are refused with 401; roles
come only through the role map; issuers ending in "/" work; an unreachable provider is answered
with a fast 503 and recovered from."""

from __future__ import annotations

import asyncio
import base64
import hashlib
import hmac
import json
import time
from collections.abc import AsyncIterator, Callable, Iterator
from typing import Any

import httpx
import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from litestar import Litestar
from litestar.testing import AsyncTestClient

from airdeck_api.auth.tokens import (
    BACKOFF_FIRST_SECONDS,
    InvalidTokenError,
    OidcTokens,
    ProviderUnavailableError,
)
from tests.integration.security.conftest import AUDIENCE, CLIENT_ROLES, ROLE_MAP, OidcProvider
from tests.support.oidc import running_provider
from tests.support.ports import free_port
from tests.support.tcp_proxy import TcpProxy

pytestmark = pytest.mark.integration
Client = AsyncTestClient[Litestar]


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


def claims_of(token: str) -> dict[str, Any]:
    payload = token.split(".")[1]
    decoded: dict[str, Any] = json.loads(
        base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4))
    )
    return decoded


@pytest.fixture(scope="module")
async def oidc_client(
    make_secure_app: Callable[..., Litestar], oidc_provider: OidcProvider
) -> AsyncIterator[Client]:
    app = make_secure_app(
        AIRDECK_AUTH_MODE="oidc",
        AIRDECK_OIDC_ISSUER=oidc_provider.issuer,
        AIRDECK_OIDC_AUDIENCE=AUDIENCE,
        AIRDECK_OIDC_ROLE_CLAIM="roles",
        AIRDECK_OIDC_ROLE_MAP=json.dumps(ROLE_MAP),
    )
    async with AsyncTestClient(app=app, timeout=30) as client:
        yield client


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


async def test_real_provider_tokens_map_roles(
    oidc_client: Client, oidc_provider: OidcProvider
) -> None:
    ops = oidc_provider.token("ops-bot")
    me = await oidc_client.get("/api/auth/me", headers=bearer(ops))
    assert me.status_code == 200, me.text
    assert me.json()["role"] == "operator" and me.json()["subject"] == "ops-bot"
    listed = await oidc_client.get("/api/orchestrator/dags", headers=bearer(ops))
    assert listed.status_code == 200 and listed.json()["total"] >= 7
    viewer = oidc_provider.token("viewer-bot")
    denied = await oidc_client.patch(
        "/api/orchestrator/dags/etl_pipeline/pause",
        json={"is_paused": True},
        headers=bearer(viewer),
    )
    assert denied.status_code == 403
    assert "dags:pause" in denied.json()["detail"]
    nobody = oidc_provider.token("nobody-bot")
    assert (
        await oidc_client.get("/api/orchestrator/dags", headers=bearer(nobody))
    ).status_code == 403


async def assert_refused(client: Client, token: str) -> None:
    response = await client.get("/api/orchestrator/dags", headers=bearer(token))
    assert response.status_code == 401, response.text
    assert response.headers["www-authenticate"].startswith("Bearer")


async def test_alg_none_is_refused(oidc_client: Client, oidc_provider: OidcProvider) -> None:
    claims = claims_of(oidc_provider.token("admin-bot"))
    token = f"{b64(json.dumps({'alg': 'none', 'typ': 'JWT'}).encode())}.{b64(json.dumps(claims).encode())}."
    await assert_refused(oidc_client, token)


async def test_hs256_signed_with_the_public_key_is_refused(
    oidc_client: Client, oidc_provider: OidcProvider
) -> None:
    real = oidc_provider.token("admin-bot")
    jwks = httpx.get(f"{oidc_provider.issuer}/jwks").json()
    kid = jwt.get_unverified_header(real)["kid"]
    public = jwt.PyJWK(next(k for k in jwks["keys"] if k["kid"] == kid)).key
    pem = public.public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    signing_input = f"{b64(json.dumps({'alg': 'HS256', 'kid': kid}).encode())}.{b64(json.dumps(claims_of(real)).encode())}"
    signature = hmac.new(pem, signing_input.encode(), hashlib.sha256).digest()
    await assert_refused(oidc_client, f"{signing_input}.{b64(signature)}")


async def test_unknown_kid_and_forged_signature_are_refused(
    oidc_client: Client, oidc_provider: OidcProvider
) -> None:
    claims = claims_of(oidc_provider.token("admin-bot"))
    attacker = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    await assert_refused(
        oidc_client, jwt.encode(claims, attacker, algorithm="RS256", headers={"kid": "nope"})
    )
    real_kid = jwt.get_unverified_header(oidc_provider.token("admin-bot"))["kid"]
    await assert_refused(
        oidc_client, jwt.encode(claims, attacker, algorithm="RS256", headers={"kid": real_kid})
    )


async def test_wrong_audience_and_wrong_issuer_are_refused(
    oidc_client: Client, oidc_provider: OidcProvider, other_provider: OidcProvider
) -> None:
    await assert_refused(
        oidc_client, oidc_provider.token("admin-bot", resource="https://elsewhere.test/api")
    )
    foreign = other_provider.token("admin-bot")
    assert claims_of(foreign)["iss"] == other_provider.issuer
    await assert_refused(oidc_client, foreign)


async def test_expired_token_is_refused(oidc_provider: OidcProvider) -> None:
    strict = OidcTokens(oidc_provider.issuer, AUDIENCE, "roles", ROLE_MAP, leeway=0)
    lenient = OidcTokens(oidc_provider.issuer, AUDIENCE, "roles", ROLE_MAP)
    token = oidc_provider.token("short-lived")
    assert (await lenient.verify(token)).role == "admin", "a genuine token, only short-lived"
    await asyncio.sleep(max(0.0, claims_of(token)["exp"] - time.time()) + 1.5)
    with pytest.raises(InvalidTokenError, match="expired"):
        await strict.verify(token)


async def test_scoped_grant_from_a_claim(oidc_client: Client, oidc_provider: OidcProvider) -> None:
    me = (
        await oidc_client.get("/api/auth/me", headers=bearer(oidc_provider.token("finance-bot")))
    ).json()
    assert me["role"] is None
    assert me["grants"] == [
        {
            "role": "operator",
            "tag": None,
            "owner_team": "finance",
            "environment": None,
            "deployment": None,
        }
    ]
    assert "dags:trigger" in me["scoped_permissions"]


async def test_claims_spelled_like_roles_grant_nothing_unless_mapped(
    oidc_client: Client, oidc_provider: OidcProvider
) -> None:
    for client in ("raw-admin-bot", "raw-scoped-bot"):
        token = oidc_provider.token(client)
        assert claims_of(token)["roles"] == CLIENT_ROLES[client]
        me = await oidc_client.get("/api/auth/me", headers=bearer(token))
        assert me.status_code == 200, me.text
        assert me.json()["role"] is None, me.json()
        assert me.json()["grants"] == []
        assert me.json()["permissions"] == [] and me.json()["scoped_permissions"] == []
        listed = await oidc_client.get("/api/orchestrator/dags", headers=bearer(token))
        assert listed.status_code == 403, listed.text
        audit = await oidc_client.get("/api/orchestrator/audit", headers=bearer(token))
        assert audit.status_code == 403


@pytest.fixture(scope="module")
def slash_provider() -> Iterator[OidcProvider]:
    """A provider whose issuer ends in "/", as Auth0's and Azure v1's do."""
    port = free_port()
    with running_provider(
        AUDIENCE, CLIENT_ROLES, port=port, issuer=f"http://127.0.0.1:{port}/"
    ) as provider:
        yield provider


@pytest.mark.parametrize("configured", ["as stated", "without the slash"])
async def test_issuer_ending_in_a_slash(
    make_secure_app: Callable[..., Litestar], slash_provider: OidcProvider, configured: str
) -> None:
    token = slash_provider.token("ops-bot")
    assert claims_of(token)["iss"] == slash_provider.issuer
    assert slash_provider.issuer.endswith("/")
    issuer = slash_provider.issuer if configured == "as stated" else slash_provider.url
    app = make_secure_app(
        AIRDECK_AUTH_MODE="oidc",
        AIRDECK_OIDC_ISSUER=issuer,
        AIRDECK_OIDC_AUDIENCE=AUDIENCE,
        AIRDECK_OIDC_ROLE_MAP=json.dumps(ROLE_MAP),
    )
    async with AsyncTestClient(app=app, timeout=30) as client:
        me = await client.get("/api/auth/me", headers=bearer(token))
        assert me.status_code == 200, me.text
        assert me.json()["role"] == "operator"


@pytest.fixture
def provider_behind_proxy() -> Iterator[tuple[OidcProvider, TcpProxy]]:
    """A provider reached (issuer included) through a loopback proxy the test can cut."""
    port = free_port()
    proxy = TcpProxy("127.0.0.1", port)
    proxy.start()
    try:
        with running_provider(AUDIENCE, CLIENT_ROLES, port=port, issuer=proxy.url) as provider:
            yield provider, proxy
    finally:
        proxy.close()


async def test_unreachable_provider_is_tried_once_then_backed_off(
    provider_behind_proxy: tuple[OidcProvider, TcpProxy],
) -> None:
    provider, proxy = provider_behind_proxy
    token = provider.token("ops-bot")
    proxy.stop()
    tries: list[str] = []

    async def count(request: httpx.Request) -> None:
        tries.append(str(request.url))

    verifier = OidcTokens(
        provider.issuer,
        AUDIENCE,
        "roles",
        ROLE_MAP,
        http=httpx.AsyncClient(timeout=5, event_hooks={"request": [count]}),
    )
    answers = await asyncio.gather(
        *(verifier.verify(token) for _ in range(20)), return_exceptions=True
    )
    assert all(isinstance(a, ProviderUnavailableError) for a in answers), answers
    assert len(tries) == 1, f"20 requests made {len(tries)} calls to a provider that is down"
    proxy.start()
    with pytest.raises(ProviderUnavailableError) as backing_off:
        await verifier.verify(token)
    assert len(tries) == 1, "no new call before the back-off is over"
    await asyncio.sleep(backing_off.value.retry_after + 0.2)
    assert (await verifier.verify(token)).role == "operator"


async def test_unreachable_provider_is_a_fast_503_and_recovers(
    make_secure_app: Callable[..., Litestar],
    provider_behind_proxy: tuple[OidcProvider, TcpProxy],
) -> None:
    provider, proxy = provider_behind_proxy
    token = provider.token("ops-bot")
    proxy.stop()
    app = make_secure_app(
        AIRDECK_AUTH_MODE="oidc",
        AIRDECK_OIDC_ISSUER=provider.issuer,
        AIRDECK_OIDC_AUDIENCE=AUDIENCE,
        AIRDECK_OIDC_ROLE_MAP=json.dumps(ROLE_MAP),
    )
    async with AsyncTestClient(app=app, timeout=30) as client:
        for _ in range(3):
            down = await client.get("/api/orchestrator/dags", headers=bearer(token))
            assert down.status_code == 503, down.text
            assert down.headers["content-type"].startswith("application/problem+json")
            assert "identity provider" in down.json()["detail"]
            assert int(down.headers["retry-after"]) >= 1
        proxy.start()
        await asyncio.sleep(BACKOFF_FIRST_SECONDS * 2 + 0.2)
        up = await client.get("/api/auth/me", headers=bearer(token))
        assert up.status_code == 200, up.text
        assert up.json()["role"] == "operator"
