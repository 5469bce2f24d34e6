"""Issuing and verifying bearer JWTs. Local and OIDC tokens are verified the same way: an
asymmetric signature checked against a JWK set, then issuer, audience and lifetime."""

from __future__ import annotations

import asyncio
import math
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
"""Seconds a local token lives unless ``AIRDECK_LOCAL_TOKEN_TTL`` says otherwise."""
LEEWAY_SECONDS = 30
ALGORITHMS = ["RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "EdDSA"]
"""Asymmetric algorithms only: never ``none``, never an HMAC keyed with a public key."""


KEY_REFRESH_SECONDS = 10
"""At most one re-read of the provider's keys this often, however many unknown ``kid``s come."""
BACKOFF_FIRST_SECONDS = 1.0
BACKOFF_MAX_SECONDS = 60.0
"""After a failed read of the provider's keys, wait this long before the next (doubling)."""
PROVIDER_TIMEOUT = httpx.Timeout(5.0)


class InvalidTokenError(Exception):
    """The token is missing a part, forged, expired or meant for someone else."""


class ProviderUnavailableError(Exception):
    """The identity provider's keys cannot be read now, so no token needing them can be checked;
    ``retry_after`` is when the next attempt will be made, in whole seconds."""

    def __init__(self, message: str, retry_after: int) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class TokenVerifier(Protocol):
    """Turns a bearer token into a principal or raises InvalidTokenError."""

    async def verify(self, token: str) -> Principal: ...


class _Grant(msgspec.Struct):
    role: str
    tag: str | None = None
    owner_team: str | None = None
    environment: str | None = None
    deployment: str | None = None


def _principal_from_local(claims: Mapping[str, Any]) -> Principal:
    grants = msgspec.convert(claims.get("grants", []), list[_Grant])
    return Principal(
        subject=str(claims["sub"]),
        role=claims.get("role"),
        grants=tuple(
            Grant(
                role=g.role,  # type: ignore[arg-type]
                tag=g.tag,
                owner_team=g.owner_team,
                environment=g.environment,
                deployment=g.deployment,
            )
            for g in grants
        ),
    )


class LocalTokens:
    """Tokens the API signs itself (local mode)."""

    def __init__(self, key: SigningKey) -> None:
        self.key = key

    def issue(
        self, principal: Principal, now: float | None = None, lifetime: int = TOKEN_LIFETIME
    ) -> tuple[str, int]:
        """A signed token for ``principal`` valid for ``lifetime`` seconds, and that lifetime."""
        issued = int(now or time.time())
        claims = {
            "iss": LOCAL_ISSUER,
            "aud": LOCAL_AUDIENCE,
            "sub": principal.subject,
            "iat": issued,
            "nbf": issued,
            "exp": issued + lifetime,
            "role": principal.role,
            "grants": msgspec.to_builtins(list(principal.grants)),
        }
        token = jwt.encode(
            claims, self.key.private_key, algorithm="RS256", headers={"kid": self.key.kid}
        )
        return token, lifetime

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
    unknown ``kid``), the issuer exactly as discovery states it, the audience from settings, and
    roles from a claim through a mapping (a claim value the mapping does not name grants nothing).

    While the provider cannot be reached, reads of its keys back off exponentially and every
    token needing them is answered at once with ``ProviderUnavailableError``."""

    def __init__(
        self,
        issuer: str,
        audience: str,
        role_claim: str,
        role_map: Mapping[str, str],
        http: httpx.AsyncClient | None = None,
        leeway: float = LEEWAY_SECONDS,
    ) -> None:
        self.issuer = issuer
        self.audience = audience
        self.role_claim = role_claim
        self.role_map = dict(role_map)
        self._http = http or httpx.AsyncClient(timeout=PROVIDER_TIMEOUT)
        self._jwks_uri: str | None = None
        self._stated_issuer: str | None = None
        self._keys: dict[str, jwt.PyJWK] = {}
        self._refresh = asyncio.Lock()
        self._last_refresh = -math.inf
        self._failures = 0
        self._retry_at = -math.inf
        self.leeway = leeway

    async def _discover(self) -> str:
        """Read the discovery document: keep the issuer it states, return its ``jwks_uri``."""
        # OpenID Connect Discovery 1.0 §4: drop a trailing "/" before appending the well-known
        # path, but keep the issuer itself as stated (Auth0 and Azure v1 end theirs in "/").
        response = await self._http.get(
            self.issuer.rstrip("/") + "/.well-known/openid-configuration"
        )
        response.raise_for_status()
        document = response.json()
        stated = str(document["issuer"])
        if stated.rstrip("/") != self.issuer.rstrip("/"):
            raise ValueError(f"discovery names the issuer {stated!r}, not {self.issuer!r}")
        self._stated_issuer = stated
        return str(document["jwks_uri"])

    async def _load_keys(self) -> None:
        if self._jwks_uri is None:
            self._jwks_uri = await self._discover()
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

    def _unavailable(self, now: float) -> ProviderUnavailableError:
        wait = max(1, math.ceil(self._retry_at - now))
        return ProviderUnavailableError(
            f"The identity provider at {self.issuer} cannot be reached to check the token's "
            f"signing key; try again in {wait} s.",
            wait,
        )

    async def _key(self, kid: str) -> jwt.PyJWK:
        if kid not in self._keys:
            async with self._refresh:
                now = time.monotonic()
                if kid not in self._keys and now < self._retry_at:
                    # The provider failed lately: answer now rather than queue on its timeout.
                    raise self._unavailable(now)
                if kid not in self._keys and now - self._last_refresh > KEY_REFRESH_SECONDS:
                    try:
                        await self._load_keys()
                    except (httpx.HTTPError, KeyError, TypeError, ValueError) as exc:
                        self._failures += 1
                        delay = BACKOFF_FIRST_SECONDS * 2 ** (self._failures - 1)
                        now = time.monotonic()
                        self._retry_at = now + min(delay, BACKOFF_MAX_SECONDS)
                        raise self._unavailable(now) from exc
                    self._failures = 0
                    self._retry_at = -math.inf
                    self._last_refresh = time.monotonic()
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
            mapped = self.role_map.get(value)
            if mapped is None:
                continue  # a claim the mapping doesn't name grants nothing, whatever it spells
            try:
                principal = parse_role(mapped, str(claims["sub"]))
            except UsersError:
                continue
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
                issuer=self._stated_issuer or self.issuer,
                leeway=self.leeway,
                options={"require": ["exp", "sub", "aud", "iss"]},
            )
        except jwt.PyJWTError as exc:
            raise InvalidTokenError(str(exc)) from exc
        return self._roles(claims)
