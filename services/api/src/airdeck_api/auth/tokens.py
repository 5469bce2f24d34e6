"""Issuing and verifying bearer JWTs. Local and OIDC tokens are verified the same way: an
asymmetric signature checked against a JWK set, then issuer, audience and lifetime."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Mapping, Sequence
from typing import Any, Protocol

import httpx
import jwt
import msgspec

from airdeck_api.auth.keys import SigningKey
from airdeck_api.auth.users import UsersError, parse_role
from airdeck_domain.rbac import Grant, Principal, Role

LOCAL_ISSUER = "airdeck"
LOCAL_AUDIENCE = "airdeck-api"
TOKEN_LIFETIME = 3600
LEEWAY_SECONDS = 30
ALGORITHMS = ["RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "EdDSA"]
"""Asymmetric algorithms only: never ``none``, never an HMAC keyed with a public key."""


class InvalidTokenError(Exception):
    """The token is missing a part, forged, expired or meant for someone else."""


class TokenVerifier(Protocol):
    """Turns a bearer token into a principal or raises InvalidTokenError."""

    async def verify(self, token: str) -> Principal: ...


class _Grant(msgspec.Struct):
    role: str
    tag: str | None = None
    owner_team: str | None = None
    environment: str | None = None


def _principal_from_local(claims: Mapping[str, Any]) -> Principal:
    grants = msgspec.convert(claims.get("grants", []), list[_Grant])
    return Principal(
        subject=str(claims["sub"]),
        role=claims.get("role"),
        grants=tuple(
            Grant(role=g.role, tag=g.tag, owner_team=g.owner_team, environment=g.environment)  # type: ignore[arg-type]
            for g in grants
        ),
    )


class LocalTokens:
    """Tokens the API signs itself (local mode)."""

    def __init__(self, key: SigningKey) -> None:
        self.key = key

    def issue(self, principal: Principal, now: float | None = None) -> tuple[str, int]:
        """A signed token for ``principal`` and its lifetime in seconds."""
        issued = int(now or time.time())
        claims = {
            "iss": LOCAL_ISSUER,
            "aud": LOCAL_AUDIENCE,
            "sub": principal.subject,
            "iat": issued,
            "nbf": issued,
            "exp": issued + TOKEN_LIFETIME,
            "role": principal.role,
            "grants": msgspec.to_builtins(list(principal.grants)),
        }
        token = jwt.encode(
            claims, self.key.private_key, algorithm="RS256", headers={"kid": self.key.kid}
        )
        return token, TOKEN_LIFETIME

    async def verify(self, token: str) -> Principal:
        try:
            header = jwt.get_unverified_header(token)
            if header.get("kid") != self.key.kid:
                raise InvalidTokenError("unknown signing key")
            claims = jwt.decode(
                token,
                self.key.public_key,
                algorithms=["RS256"],
                audience=LOCAL_AUDIENCE,
                issuer=LOCAL_ISSUER,
                leeway=LEEWAY_SECONDS,
                options={"require": ["exp", "iat", "sub", "aud", "iss"]},
            )
        except jwt.PyJWTError as exc:
            raise InvalidTokenError(str(exc)) from exc
        return _principal_from_local(claims)


class OidcTokens:
    """Tokens from an OpenID provider: keys from its discovered JWKS (cached, re-read on an
    unknown ``kid``), issuer and audience from settings, roles from a claim through a mapping."""

    def __init__(
        self,
        issuer: str,
        audience: str,
        role_claim: str,
        role_map: Mapping[str, str],
        http: httpx.AsyncClient | None = None,
        leeway: float = LEEWAY_SECONDS,
    ) -> None:
        self.issuer = issuer.rstrip("/")
        self.audience = audience
        self.role_claim = role_claim
        self.role_map = dict(role_map)
        self._http = http or httpx.AsyncClient(timeout=10)
        self._jwks_uri: str | None = None
        self._keys: dict[str, jwt.PyJWK] = {}
        self._refresh = asyncio.Lock()
        self._last_refresh = 0.0
        self.leeway = leeway

    async def _load_keys(self) -> None:
        if self._jwks_uri is None:
            discovery = await self._http.get(f"{self.issuer}/.well-known/openid-configuration")
            discovery.raise_for_status()
            self._jwks_uri = str(discovery.json()["jwks_uri"])
        response = await self._http.get(self._jwks_uri)
        response.raise_for_status()
        keys = {}
        for data in response.json().get("keys", []):
            if data.get("use", "sig") == "sig" and data.get("kid"):
                try:
                    keys[data["kid"]] = jwt.PyJWK(data)
                except jwt.PyJWTError:
                    continue
        self._keys = keys
        self._last_refresh = time.monotonic()

    async def _key(self, kid: str) -> jwt.PyJWK:
        if kid not in self._keys:
            async with self._refresh:
                # One refresh at a time, and at most one every 10 s, however many bad kids come.
                if kid not in self._keys and time.monotonic() - self._last_refresh > 10:
                    try:
                        await self._load_keys()
                    except (httpx.HTTPError, KeyError, ValueError) as exc:
                        raise InvalidTokenError(f"cannot read the issuer's keys: {exc}") from exc
        if kid not in self._keys:
            raise InvalidTokenError("unknown signing key")
        return self._keys[kid]

    def _roles(self, claims: Mapping[str, Any]) -> Principal:
        raw = claims.get(self.role_claim, [])
        values: Sequence[str] = [raw] if isinstance(raw, str) else [str(v) for v in raw or []]
        role: Role | None = None
        grants: list[Grant] = []
        rank = {"viewer": 0, "operator": 1, "admin": 2}
        for value in values:
            mapped = self.role_map.get(value, value)
            try:
                principal = parse_role(mapped, str(claims["sub"]))
            except UsersError:
                continue  # claims the mapping doesn't know grant nothing
            if principal.role and (role is None or rank[principal.role] > rank[role]):
                role = principal.role
            grants.extend(principal.grants)
        return Principal(
            subject=str(claims["sub"]), role=role, grants=tuple(grants), name=claims.get("name")
        )

    async def verify(self, token: str) -> Principal:
        try:
            header = jwt.get_unverified_header(token)
            if header.get("alg") not in ALGORITHMS:
                raise InvalidTokenError(f"algorithm {header.get('alg')!r} is not accepted")
            key = await self._key(str(header.get("kid")))
            claims = jwt.decode(
                token,
                key,
                algorithms=ALGORITHMS,
                audience=self.audience,
                issuer=self.issuer,
                leeway=self.leeway,
                options={"require": ["exp", "sub", "aud", "iss"]},
            )
        except jwt.PyJWTError as exc:
            raise InvalidTokenError(str(exc)) from exc
        return self._roles(claims)
