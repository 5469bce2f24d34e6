"""The web UI's configuration from ``AIRDECK_*`` environment variables, validated at startup."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from typing import Literal, cast
from urllib.parse import urlsplit

AuthMode = Literal["local", "oidc", "dev"]
CALLBACK_PATH = "/auth/callback"
SILENT_RENEWAL_PATH = "/silent-renewal.html"


class WebSettingsError(ValueError):
    """One or more settings are missing or invalid; ``problems`` lists each as a sentence."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("Invalid Airdeck web configuration:\n  - " + "\n  - ".join(problems))
        self.problems = problems


@dataclass(frozen=True)
class OidcSettings:
    """How the web signs people in at an OpenID provider (Authorization Code flow with PKCE)."""

    issuer: str
    audience: str
    client_id: str
    client_secret: str | None
    scopes: str
    provider_name: str

    @property
    def wants_id_token(self) -> bool:
        """Whether the ``openid`` scope is asked for, so an ID token (and a nonce) is involved."""
        return "openid" in self.scopes.split()


@dataclass(frozen=True)
class WebSettings:
    """Everything the web needs to decide how people sign in."""

    auth_mode: AuthMode = "local"
    web_url: str = "http://127.0.0.1:3000"
    oidc: OidcSettings | None = None

    @property
    def redirect_uri(self) -> str:
        """Where the provider sends the browser back after sign-in."""
        return self.web_url + CALLBACK_PATH

    @property
    def silent_redirect_uri(self) -> str:
        """Where the provider answers a silent renewal (``prompt=none``, in a hidden frame): a
        static page that hands the answer to the page that asked (assets/silent-renewal.html)."""
        return self.web_url + SILENT_RENEWAL_PATH

    @property
    def post_logout_redirect_uri(self) -> str:
        """Where the provider sends the browser after sign-out: the sign-in page."""
        return self.web_url + "/"

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> WebSettings:
        """Read and validate the configuration; raises ``WebSettingsError`` listing every
        problem."""
        env = os.environ if env is None else env
        problems: list[str] = []
        auth_mode = _get(env, "AUTH_MODE", "local")
        if auth_mode not in ("local", "oidc", "dev"):
            problems.append(f"AIRDECK_AUTH_MODE must be local, oidc or dev, got {auth_mode!r}")
        port = _get(env, "WEB_PORT", "3000")
        web_url = _get(env, "WEB_URL", f"http://127.0.0.1:{port}").rstrip("/")
        if not _is_http_url(web_url):
            problems.append(
                "AIRDECK_WEB_URL must be the browser-facing http(s) URL of the web UI, "
                f"got {web_url!r}"
            )
        oidc = None
        if auth_mode == "oidc":
            oidc = _oidc_settings(env, problems)
        if problems:
            raise WebSettingsError(problems)
        return cls(auth_mode=cast(AuthMode, auth_mode), web_url=web_url, oidc=oidc)


def _get(env: Mapping[str, str], name: str, default: str = "") -> str:
    return env.get(f"AIRDECK_{name}", default).strip()


def _oidc_settings(env: Mapping[str, str], problems: list[str]) -> OidcSettings:
    issuer = _get(env, "OIDC_ISSUER")
    audience = _get(env, "OIDC_AUDIENCE")
    client_id = _get(env, "OIDC_CLIENT_ID")
    missing = [
        f"AIRDECK_{name}"
        for name, value in (
            ("OIDC_ISSUER", issuer),
            ("OIDC_AUDIENCE", audience),
            ("OIDC_CLIENT_ID", client_id),
        )
        if not value
    ]
    if missing:
        problems.append("AIRDECK_AUTH_MODE=oidc needs " + ", ".join(missing))
    if issuer and not _is_http_url(issuer):
        problems.append(f"AIRDECK_OIDC_ISSUER must be an http(s) URL, got {issuer!r}")
    scopes = " ".join(_get(env, "OIDC_SCOPES", "openid profile").replace(",", " ").split())
    if not scopes:
        problems.append("AIRDECK_OIDC_SCOPES must name at least one scope (e.g. 'openid profile')")
    return OidcSettings(
        issuer=issuer,
        audience=audience,
        client_id=client_id,
        client_secret=_get(env, "OIDC_CLIENT_SECRET") or None,
        scopes=scopes,
        provider_name=_get(env, "OIDC_PROVIDER_NAME") or urlsplit(issuer).netloc or "your provider",
    )


def _is_http_url(value: str) -> bool:
    parts = urlsplit(value)
    return parts.scheme in ("http", "https") and bool(parts.netloc)


@cache
def settings() -> WebSettings:
    """The process's settings, read from the environment once."""
    return WebSettings.from_env()
