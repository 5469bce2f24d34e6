"""Signing in at an OpenID provider: the Authorization Code flow with PKCE (S256), ``state`` and
``nonce``, run from the Reflex backend so the tokens never reach the browser."""

from __future__ import annotations

import hmac
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode, urlsplit

import httpx2
from authlib.integrations.httpx_client import AsyncOAuth2Client, OAuthError
from authlib.oauth2.rfc6749.parameters import prepare_grant_uri
from authlib.oauth2.rfc7636 import create_s256_code_challenge
from authlib.oidc.core import CodeIDToken
from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import KeySet
from joserfc.jws import JWSRegistry

from airdeck_web.settings import CALLBACK_PATH, OidcSettings

# The provider's clock may run a little ahead of or behind ours.
LEEWAY_SECONDS = 30
TIMEOUT_SECONDS = 10


class SignInError(Exception):
    """A sign-in at the provider failed; the message is a sentence the person can act on."""


NOT_STARTED = "This sign-in was not started here or has already been used; sign in again."


@dataclass(frozen=True)
class ProviderMetadata:
    """The parts of the provider's discovery document the sign-in uses."""

    issuer: str
    authorization_endpoint: str
    token_endpoint: str
    jwks_uri: str
    end_session_endpoint: str | None = None
    id_token_algorithms: tuple[str, ...] = ("RS256",)

    @classmethod
    def from_document(cls, expected_issuer: str, document: Mapping[str, Any]) -> ProviderMetadata:
        """Read a discovery document; raises ``SignInError`` when it lacks an endpoint or
        names another issuer (OpenID Connect Discovery 1.0, section 4.3)."""
        missing = [
            key
            for key in ("issuer", "authorization_endpoint", "token_endpoint", "jwks_uri")
            if not isinstance(document.get(key), str)
        ]
        if missing:
            raise SignInError(
                f"The OpenID provider's discovery document lacks {', '.join(missing)}."
            )
        if str(document["issuer"]).rstrip("/") != expected_issuer.rstrip("/"):
            raise SignInError(
                f"The OpenID provider calls itself {document['issuer']!r}, "
                f"not {expected_issuer!r} (AIRDECK_OIDC_ISSUER)."
            )
        algorithms = document.get("id_token_signing_alg_values_supported") or ["RS256"]
        end_session = document.get("end_session_endpoint")
        return cls(
            issuer=str(document["issuer"]),
            authorization_endpoint=str(document["authorization_endpoint"]),
            token_endpoint=str(document["token_endpoint"]),
            jwks_uri=str(document["jwks_uri"]),
            end_session_endpoint=end_session if isinstance(end_session, str) else None,
            # "none" would accept unsigned ID tokens.
            id_token_algorithms=tuple(str(a) for a in algorithms if a != "none"),
        )


@dataclass(frozen=True)
class PendingSignIn:
    """What the backend remembers between sending the browser to the provider and its return."""

    state: str
    nonce: str
    code_verifier: str
    next_path: str

    @classmethod
    def start(cls, next_path: str = "") -> PendingSignIn:
        """Fresh random ``state``, ``nonce`` and PKCE verifier (RFC 7636: 43 to 128 characters)."""
        return cls(
            state=secrets.token_urlsafe(32),
            nonce=secrets.token_urlsafe(32),
            code_verifier=secrets.token_urlsafe(64),
            next_path=safe_next_path(next_path),
        )


def safe_next_path(path: str) -> str:
    """``path`` when it is a path on this site, else ``/workflows``: the return address must
    never send the person to another site."""
    parts = urlsplit(path)
    if (
        path.startswith("/")
        and not path.startswith("//")
        and "\\" not in path
        # Browsers drop tabs and newlines from URLs, so "/\t/evil" would become "//evil".
        and path.isprintable()
        and " " not in path
        and not parts.scheme
        and not parts.netloc
        and parts.path not in ("/", CALLBACK_PATH)
    ):
        return path
    return "/workflows"


def authorization_url(
    oidc: OidcSettings,
    redirect_uri: str,
    metadata: ProviderMetadata,
    pending: PendingSignIn,
    prompt: str | None = None,
) -> str:
    """Where to send the browser to sign in: the provider's authorization endpoint with the
    client, the callback, the scopes, ``state``, the S256 code challenge, the API as the
    ``resource`` (RFC 8707, so the access token is meant for it), a ``nonce`` when an ID
    token is asked for, and ``prompt`` when given (``none``: answer at once, without a page)."""
    extra = {
        "code_challenge": create_s256_code_challenge(pending.code_verifier),
        "code_challenge_method": "S256",
        "resource": oidc.audience,
    }
    if oidc.wants_id_token:
        extra["nonce"] = pending.nonce
    if prompt:
        extra["prompt"] = prompt
    url: str = prepare_grant_uri(
        metadata.authorization_endpoint,
        client_id=oidc.client_id,
        response_type="code",
        redirect_uri=redirect_uri,
        scope=oidc.scopes,
        state=pending.state,
        **extra,
    )
    return url


def code_from_callback(params: Mapping[str, str], pending: PendingSignIn, issuer: str) -> str:
    """The authorization code from the provider's redirect back to the sign-in ``pending``;
    raises ``SignInError`` when the ``state`` is not the one sent, the answer names another
    issuer (RFC 9207) or the provider refused."""
    if not hmac.compare_digest(params.get("state", "").encode(), pending.state.encode()):
        raise SignInError("The sign-in answer does not match the sign-in started here.")
    if "iss" in params and params["iss"] != issuer:
        raise SignInError("The sign-in answer comes from another provider.")
    if params.get("error"):
        reason = params.get("error_description") or params["error"]
        raise SignInError(f"The provider did not sign you in: {reason}.")
    code = params.get("code", "")
    if not code:
        raise SignInError("The provider's answer carries no authorization code.")
    return code


_metadata_cache: dict[str, ProviderMetadata] = {}


async def discover(
    issuer: str, transport: httpx2.AsyncBaseTransport | None = None
) -> ProviderMetadata:
    """The provider's metadata from ``<issuer>/.well-known/openid-configuration``, fetched once
    per process."""
    cached = _metadata_cache.get(issuer)
    if cached is not None:
        return cached
    url = issuer.rstrip("/") + "/.well-known/openid-configuration"
    try:
        async with httpx2.AsyncClient(timeout=TIMEOUT_SECONDS, transport=transport) as http:
            response = await http.get(url)
            response.raise_for_status()
            document = response.json()
    except (httpx2.HTTPError, ValueError) as exc:
        raise SignInError(
            f"The OpenID provider cannot be reached ({type(exc).__name__}); try again shortly."
        ) from exc
    if not isinstance(document, dict):
        raise SignInError("The OpenID provider's discovery document is not a JSON object.")
    metadata = ProviderMetadata.from_document(issuer, document)
    _metadata_cache[issuer] = metadata
    return metadata


def end_session_url(
    metadata: ProviderMetadata, client_id: str, post_logout_redirect_uri: str
) -> str | None:
    """Where to send the browser to sign out at the provider too (OpenID Connect RP-Initiated
    Logout), or ``None`` when the provider offers no such endpoint. The client is named by its
    id, not by an ``id_token_hint``, so no token ever travels in a URL."""
    if not metadata.end_session_endpoint:
        return None
    params = {"client_id": client_id, "post_logout_redirect_uri": post_logout_redirect_uri}
    separator = "&" if "?" in metadata.end_session_endpoint else "?"
    return metadata.end_session_endpoint + separator + urlencode(params)


@dataclass(frozen=True)
class TokenSet:
    """What the provider's token endpoint gave: the API's access token, the refresh token when
    the provider issues one, and the access token's lifetime in seconds when it says."""

    access_token: str
    refresh_token: str | None = None
    expires_in: int | None = None

    @classmethod
    def from_response(cls, token: Mapping[str, Any], refresh_token: str | None) -> TokenSet:
        """Read a token response; ``refresh_token`` is kept when the answer names no new one
        (a provider need not rotate it). Raises ``SignInError`` without an access token."""
        access_token = token.get("access_token")
        if not isinstance(access_token, str) or not access_token:
            raise SignInError("The provider's answer carries no access token.")
        new_refresh = token.get("refresh_token")
        expires_in = token.get("expires_in")
        return cls(
            access_token=access_token,
            refresh_token=new_refresh if isinstance(new_refresh, str) else refresh_token,
            expires_in=int(expires_in) if isinstance(expires_in, int | float | str) else None,
        )


def _token_client(
    oidc: OidcSettings, redirect_uri: str | None, transport: httpx2.AsyncBaseTransport | None
) -> AsyncOAuth2Client:
    return AsyncOAuth2Client(
        client_id=oidc.client_id,
        client_secret=oidc.client_secret,
        redirect_uri=redirect_uri,
        timeout=TIMEOUT_SECONDS,
        transport=transport,
    )


async def exchange_code(
    oidc: OidcSettings,
    redirect_uri: str,
    metadata: ProviderMetadata,
    pending: PendingSignIn,
    code: str,
    transport: httpx2.AsyncBaseTransport | None = None,
) -> TokenSet:
    """The tokens for the API, traded for the authorization code (with the PKCE verifier, and
    the client secret when one is configured) at the token endpoint, after checking the ID
    token when one is expected; raises ``SignInError`` saying what went wrong."""
    try:
        async with _token_client(oidc, redirect_uri, transport) as client:
            token = await client.fetch_token(
                metadata.token_endpoint,
                grant_type="authorization_code",
                code=code,
                code_verifier=pending.code_verifier,
                resource=oidc.audience,
            )
    except OAuthError as exc:
        raise SignInError(
            f"The provider refused the sign-in: {exc.description or exc.error}."
        ) from exc
    except (httpx2.HTTPError, ValueError) as exc:
        raise SignInError(
            f"The sign-in could not be completed at the provider ({type(exc).__name__})."
        ) from exc
    tokens = TokenSet.from_response(token, None)
    id_token = token.get("id_token")
    if oidc.wants_id_token:
        if not isinstance(id_token, str):
            raise SignInError("The provider's answer carries no ID token.")
        keys = await _key_set(metadata, transport)
        check_id_token(id_token, keys, metadata, oidc.client_id, pending.nonce, tokens.access_token)
    return tokens


async def refresh_tokens(
    oidc: OidcSettings,
    metadata: ProviderMetadata,
    refresh_token: str,
    transport: httpx2.AsyncBaseTransport | None = None,
) -> TokenSet:
    """A new access token for the API for ``refresh_token`` (``grant_type=refresh_token`` at
    the token endpoint, for the same audience); raises ``SignInError`` when the provider
    refuses (the person must sign in again) or cannot be reached."""
    try:
        async with _token_client(oidc, None, transport) as client:
            token = await client.fetch_token(
                metadata.token_endpoint,
                grant_type="refresh_token",
                refresh_token=refresh_token,
                resource=oidc.audience,
            )
    except OAuthError as exc:
        raise SignInError(
            f"The provider refused to renew the session: {exc.description or exc.error}."
        ) from exc
    except (httpx2.HTTPError, ValueError) as exc:
        raise SignInError(
            f"The session could not be renewed at the provider ({type(exc).__name__})."
        ) from exc
    return TokenSet.from_response(token, refresh_token)


def check_id_token(
    id_token: str,
    keys: KeySet,
    metadata: ProviderMetadata,
    client_id: str,
    nonce: str,
    access_token: str,
) -> None:
    """Raise ``SignInError`` unless the ID token is signed by the provider, issued by it for
    this client, current, carries the ``nonce`` sent and matches the access token."""
    try:
        decoded = jwt.decode(
            id_token, keys, registry=JWSRegistry(algorithms=list(metadata.id_token_algorithms))
        )
        claims = CodeIDToken(
            decoded.claims,
            decoded.header,
            {
                "iss": {"essential": True, "value": metadata.issuer},
                "aud": {"essential": True, "value": client_id},
            },
            {"client_id": client_id, "nonce": nonce, "access_token": access_token},
        )
        claims.validate(leeway=LEEWAY_SECONDS)
    except (JoseError, ValueError) as exc:
        raise SignInError(f"The provider's ID token is not valid ({exc}).") from exc


async def _key_set(
    metadata: ProviderMetadata, transport: httpx2.AsyncBaseTransport | None
) -> KeySet:
    try:
        async with httpx2.AsyncClient(timeout=TIMEOUT_SECONDS, transport=transport) as http:
            response = await http.get(metadata.jwks_uri)
            response.raise_for_status()
            return KeySet.import_key_set(response.json())
    except (httpx2.HTTPError, ValueError, JoseError) as exc:
        raise SignInError(
            f"The provider's signing keys cannot be read ({type(exc).__name__})."
        ) from exc
