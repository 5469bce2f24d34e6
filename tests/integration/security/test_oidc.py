"""Tokens from a real OpenID provider are accepted; tampered ones are refused with 401."""

from __future__ import annotations

import asyncio
import base64
import hashlib
import hmac
import json
import time
from collections.abc import AsyncIterator, Callable
from typing import Any

import httpx
import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from litestar import Litestar
from litestar.testing import AsyncTestClient

from airdeck_api.auth.tokens import InvalidTokenError, OidcTokens
from tests.integration.security.conftest import AUDIENCE, ROLE_MAP, OidcProvider

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
        {"role": "operator", "tag": None, "owner_team": "finance", "environment": None}
    ]
    assert "dags:trigger" in me["scoped_permissions"]
