"""The web's sign-in at an OpenID provider: the authorization URL, the callback checks, the code
exchange and the ID token checks, against a provider faked at the HTTP level."""

from __future__ import annotations

import base64
import hashlib
import json
import time
from collections.abc import Callable
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx2
import pytest
from joserfc import jwt
from joserfc.jwk import KeySet, RSAKey

from airdeck_web.oidc import (
    PendingSignIn,
    ProviderMetadata,
    SignInError,
    TokenSet,
    authorization_url,
    code_from_callback,
    discover,
    end_session_url,
    exchange_code,
    refresh_tokens,
    safe_next_path,
)
from airdeck_web.settings import OidcSettings

ISSUER = "https://login.example.com"
REDIRECT_URI = "https://airdeck.example.com/auth/callback"
OIDC = OidcSettings(
    issuer=ISSUER,
    audience="https://airdeck.example.com/api",
    client_id="airdeck-web",
    client_secret=None,
    scopes="openid profile",
    provider_name="Acme SSO",
)
METADATA = ProviderMetadata(
    issuer=ISSUER,
    authorization_endpoint=f"{ISSUER}/authorize",
    token_endpoint=f"{ISSUER}/token",
    jwks_uri=f"{ISSUER}/jwks",
    end_session_endpoint=f"{ISSUER}/logout",
)
KEY = RSAKey.generate_key(2048, parameters={"kid": "k1"})


def query_of(url: str) -> dict[str, str]:
    return {k: v[0] for k, v in parse_qs(urlsplit(url).query).items()}


def test_the_authorization_url_carries_pkce_state_nonce_and_the_api() -> None:
    pending = PendingSignIn.start("/workflows")
    url = authorization_url(OIDC, REDIRECT_URI, METADATA, pending)
    assert url.startswith(f"{ISSUER}/authorize?")
    query = query_of(url)
    challenge = (
        base64.urlsafe_b64encode(hashlib.sha256(pending.code_verifier.encode()).digest())
        .decode()
        .rstrip("=")
    )
    assert query == {
        "response_type": "code",
        "client_id": "airdeck-web",
        "redirect_uri": REDIRECT_URI,
        "scope": "openid profile",
        "state": pending.state,
        "code_challenge": challenge,
        "code_challenge_method": "S256",
        "resource": "https://airdeck.example.com/api",
        "nonce": pending.nonce,
    }
    # The verifier itself never leaves the backend.
    assert pending.code_verifier not in url


def test_no_nonce_without_an_id_token() -> None:
    oauth_only = OidcSettings(**{**OIDC.__dict__, "scopes": "api"})
    query = query_of(authorization_url(oauth_only, REDIRECT_URI, METADATA, PendingSignIn.start()))
    assert "nonce" not in query and query["scope"] == "api"


def test_each_sign_in_gets_fresh_secrets() -> None:
    first, second = PendingSignIn.start(), PendingSignIn.start()
    assert len({first.state, second.state, first.nonce, second.nonce}) == 4
    assert first.code_verifier != second.code_verifier
    assert 43 <= len(first.code_verifier) <= 128


@pytest.mark.parametrize(
    ("asked", "kept"),
    [
        ("/workflows/etl_pipeline", "/workflows/etl_pipeline"),
        ("/workflows/etl/runs/manual__1?tab=logs", "/workflows/etl/runs/manual__1?tab=logs"),
        ("", "/workflows"),
        ("/", "/workflows"),
        ("/auth/callback", "/workflows"),
        ("https://evil.example.com/", "/workflows"),
        ("//evil.example.com/", "/workflows"),
        ("/\\evil.example.com", "/workflows"),
        ("/\t/evil.example.com", "/workflows"),
        ("/\n/evil.example.com", "/workflows"),
        ("workflows", "/workflows"),
    ],
)
def test_the_way_back_stays_on_this_site(asked: str, kept: str) -> None:
    assert safe_next_path(asked) == kept
    assert PendingSignIn.start(asked).next_path == kept


def test_the_callback_gives_the_code_for_the_right_state() -> None:
    pending = PendingSignIn.start()
    params = {"code": "abc", "state": pending.state, "iss": ISSUER}
    assert code_from_callback(params, pending, ISSUER) == "abc"


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"code": "abc", "state": "forged"}, "does not match"),
        ({"code": "abc"}, "does not match"),
        (
            {"code": "abc", "state": "{state}", "iss": "https://evil.example.com"},
            "another provider",
        ),
        (
            {"error": "access_denied", "error_description": "User said no", "state": "{state}"},
            "did not sign you in: User said no",
        ),
        ({"error": "access_denied", "state": "forged"}, "does not match"),
        ({"state": "{state}"}, "no authorization code"),
    ],
)
def test_the_callback_refuses(params: dict[str, str], message: str) -> None:
    pending = PendingSignIn.start()
    filled = {k: v.replace("{state}", pending.state) for k, v in params.items()}
    with pytest.raises(SignInError, match=message):
        code_from_callback(filled, pending, ISSUER)


def test_metadata_must_name_the_issuer_and_its_endpoints() -> None:
    document = {
        "issuer": ISSUER,
        "authorization_endpoint": f"{ISSUER}/authorize",
        "token_endpoint": f"{ISSUER}/token",
        "jwks_uri": f"{ISSUER}/jwks",
        "id_token_signing_alg_values_supported": ["RS256", "none"],
    }
    metadata = ProviderMetadata.from_document(ISSUER + "/", document)
    assert metadata.end_session_endpoint is None
    assert metadata.id_token_algorithms == ("RS256",)
    with pytest.raises(SignInError, match="token_endpoint, jwks_uri"):
        ProviderMetadata.from_document(ISSUER, {"issuer": ISSUER, "authorization_endpoint": "x"})
    with pytest.raises(SignInError, match="calls itself"):
        ProviderMetadata.from_document("https://other.example.com", document)


def test_sign_out_at_the_provider_names_the_client_not_a_token() -> None:
    url = end_session_url(METADATA, "airdeck-web", "https://airdeck.example.com/")
    assert url is not None and url.startswith(f"{ISSUER}/logout?")
    assert query_of(url) == {
        "client_id": "airdeck-web",
        "post_logout_redirect_uri": "https://airdeck.example.com/",
    }
    no_logout = ProviderMetadata(**{**METADATA.__dict__, "end_session_endpoint": None})
    assert end_session_url(no_logout, "airdeck-web", "https://airdeck.example.com/") is None


async def test_discovery_is_fetched_once_per_process() -> None:
    issuer = "https://discovery-once.example.com"
    calls: list[str] = []

    def handler(request: httpx2.Request) -> httpx2.Response:
        calls.append(str(request.url))
        return httpx2.Response(
            200,
            json={
                "issuer": issuer,
                "authorization_endpoint": f"{issuer}/a",
                "token_endpoint": f"{issuer}/t",
                "jwks_uri": f"{issuer}/k",
                "end_session_endpoint": f"{issuer}/e",
            },
        )

    transport = httpx2.MockTransport(handler)
    first = await discover(issuer, transport)
    assert await discover(issuer, transport) is first
    assert calls == [f"{issuer}/.well-known/openid-configuration"]
    assert first.end_session_endpoint == f"{issuer}/e"


async def test_an_unreachable_provider_is_explained() -> None:
    def handler(request: httpx2.Request) -> httpx2.Response:
        raise httpx2.ConnectError("refused", request=request)

    with pytest.raises(SignInError, match="cannot be reached"):
        await discover("https://down.example.com", httpx2.MockTransport(handler))


def id_token_for(nonce: str, overrides: dict[str, Any] | None = None) -> str:
    now = int(time.time())
    claims = {
        "iss": ISSUER,
        "sub": "olivia",
        "aud": "airdeck-web",
        "iat": now,
        "exp": now + 300,
        "nonce": nonce,
        **(overrides or {}),
    }
    return jwt.encode({"alg": "RS256", "kid": "k1"}, claims, KEY)


def provider(
    token_response: Callable[[dict[str, str]], httpx2.Response], seen: list[httpx2.Request]
) -> httpx2.MockTransport:
    def handler(request: httpx2.Request) -> httpx2.Response:
        seen.append(request)
        if request.url.path == "/jwks":
            return httpx2.Response(200, json=KeySet([KEY]).as_dict(private=False))
        form = {k: v[0] for k, v in parse_qs(request.content.decode()).items()}
        return token_response(form)

    return httpx2.MockTransport(handler)


async def test_the_code_is_traded_with_the_verifier_for_the_api_token() -> None:
    pending = PendingSignIn.start()
    seen: list[httpx2.Request] = []

    def answer(form: dict[str, str]) -> httpx2.Response:
        token = {"access_token": "at-1", "token_type": "Bearer", "expires_in": 300}
        return httpx2.Response(200, json={**token, "id_token": id_token_for(pending.nonce)})

    tokens = await exchange_code(
        OIDC, REDIRECT_URI, METADATA, pending, "code-1", provider(answer, seen)
    )
    assert tokens == TokenSet(access_token="at-1", refresh_token=None, expires_in=300)
    exchange = seen[0]
    assert exchange.url == METADATA.token_endpoint and "authorization" not in exchange.headers
    assert {k: v[0] for k, v in parse_qs(exchange.content.decode()).items()} == {
        "grant_type": "authorization_code",
        "code": "code-1",
        "code_verifier": pending.code_verifier,
        "redirect_uri": REDIRECT_URI,
        "resource": OIDC.audience,
        "client_id": "airdeck-web",
    }


async def test_a_confidential_client_authenticates_with_its_secret() -> None:
    confidential = OidcSettings(**{**OIDC.__dict__, "client_secret": "s3cret", "scopes": "api"})
    seen: list[httpx2.Request] = []

    def answer(form: dict[str, str]) -> httpx2.Response:
        return httpx2.Response(200, json={"access_token": "at-2", "token_type": "Bearer"})

    tokens = await exchange_code(
        confidential, REDIRECT_URI, METADATA, PendingSignIn.start(), "c", provider(answer, seen)
    )
    assert tokens == TokenSet(access_token="at-2")
    basic = base64.b64encode(b"airdeck-web:s3cret").decode()
    assert seen[0].headers["authorization"] == f"Basic {basic}"
    assert "s3cret" not in seen[0].content.decode()


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"nonce": "replayed"}, "nonce"),
        ({"aud": "someone-else"}, "aud"),
        ({"iss": "https://evil.example.com"}, "iss"),
        ({"exp": int(time.time()) - 3600}, "expired"),
    ],
)
async def test_a_bad_id_token_signs_nobody_in(overrides: dict[str, Any], message: str) -> None:
    pending = PendingSignIn.start()

    def answer(form: dict[str, str]) -> httpx2.Response:
        id_token = id_token_for(pending.nonce, overrides)
        return httpx2.Response(200, json={"access_token": "at", "id_token": id_token})

    with pytest.raises(SignInError, match=message):
        await exchange_code(OIDC, REDIRECT_URI, METADATA, pending, "c", provider(answer, []))


async def test_an_id_token_signed_by_someone_else_is_refused() -> None:
    pending = PendingSignIn.start()
    stranger = RSAKey.generate_key(2048, parameters={"kid": "k1"})

    def answer(form: dict[str, str]) -> httpx2.Response:
        now = int(time.time())
        claims = {"iss": ISSUER, "sub": "x", "aud": "airdeck-web", "iat": now, "exp": now + 60}
        forged = jwt.encode(
            {"alg": "RS256", "kid": "k1"}, {**claims, "nonce": pending.nonce}, stranger
        )
        return httpx2.Response(200, json={"access_token": "at", "id_token": forged})

    with pytest.raises(SignInError, match="ID token is not valid"):
        await exchange_code(OIDC, REDIRECT_URI, METADATA, pending, "c", provider(answer, []))


@pytest.mark.parametrize(
    ("response", "message"),
    [
        (
            httpx2.Response(400, json={"error": "invalid_grant", "error_description": "used"}),
            "refused the sign-in: used",
        ),
        (httpx2.Response(200, json={"token_type": "Bearer"}), "no access token"),
        (httpx2.Response(200, json={"access_token": "at"}), "no ID token"),
        (httpx2.Response(502, text="bad gateway"), "could not be completed"),
    ],
)
async def test_a_failed_exchange_is_explained(response: httpx2.Response, message: str) -> None:
    with pytest.raises(SignInError, match=message):
        await exchange_code(
            OIDC,
            REDIRECT_URI,
            METADATA,
            PendingSignIn.start(),
            "c",
            provider(lambda form: response, []),
        )


def test_the_test_key_set_is_public_only() -> None:
    published = json.dumps(KeySet([KEY]).as_dict(private=False))
    assert '"d"' not in published


async def test_the_refresh_token_comes_back_from_the_code_exchange() -> None:
    pending = PendingSignIn.start()

    def answer(form: dict[str, str]) -> httpx2.Response:
        token = {"access_token": "at-1", "expires_in": 300, "refresh_token": "rt-1"}
        return httpx2.Response(200, json={**token, "id_token": id_token_for(pending.nonce)})

    tokens = await exchange_code(OIDC, REDIRECT_URI, METADATA, pending, "c", provider(answer, []))
    assert tokens == TokenSet(access_token="at-1", refresh_token="rt-1", expires_in=300)


async def test_a_refresh_token_is_traded_for_a_new_access_token_for_the_api() -> None:
    seen: list[httpx2.Request] = []

    def answer(form: dict[str, str]) -> httpx2.Response:
        body = {"access_token": "at-2", "expires_in": 60, "refresh_token": "rt-2"}
        return httpx2.Response(200, json=body)

    tokens = await refresh_tokens(OIDC, METADATA, "rt-1", provider(answer, seen))
    assert tokens == TokenSet(access_token="at-2", refresh_token="rt-2", expires_in=60)
    (exchange,) = seen
    assert exchange.url == METADATA.token_endpoint
    assert {k: v[0] for k, v in parse_qs(exchange.content.decode()).items()} == {
        "grant_type": "refresh_token",
        "refresh_token": "rt-1",
        "resource": OIDC.audience,
        "client_id": "airdeck-web",
    }


async def test_a_refresh_token_not_rotated_is_kept() -> None:
    def answer(form: dict[str, str]) -> httpx2.Response:
        return httpx2.Response(200, json={"access_token": "at-2", "token_type": "Bearer"})

    tokens = await refresh_tokens(OIDC, METADATA, "rt-1", provider(answer, []))
    assert tokens == TokenSet(access_token="at-2", refresh_token="rt-1")


async def test_a_refused_refresh_says_so() -> None:
    def answer(form: dict[str, str]) -> httpx2.Response:
        body = {"error": "invalid_grant", "error_description": "grant request is invalid"}
        return httpx2.Response(400, json=body)

    with pytest.raises(SignInError, match="refused to renew the session: grant request"):
        await refresh_tokens(OIDC, METADATA, "rt-gone", provider(answer, []))
