"""A real OpenID provider for tests: the certified ``oidc-provider`` package, run by Node on
loopback (oidc_provider/provider.mjs). Machine clients get tokens with the client_credentials
grant; with a ``WebClient`` it also signs people in through the authorization code flow, using
its built-in development login and consent pages, and renews their tokens with refresh tokens."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import time
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from pathlib import Path

import httpx

from tests.support.ports import free_port

PROVIDER_DIR = Path(__file__).parent / "oidc_provider"
START_SECONDS = 30


@dataclass(frozen=True)
class WebClient:
    """A browser sign-in client: public, PKCE, one callback, one address after sign-out and,
    when given, the page that takes silent renewals' answers."""

    client_id: str
    redirect_uri: str
    post_logout_redirect_uri: str
    silent_redirect_uri: str = ""


@dataclass(frozen=True)
class OidcProvider:
    """A running provider: its issuer URL, the API audience its access tokens are for, where
    it answers (the issuer without a trailing "/", unless a proxy fronts it) and the file its
    output goes to, if any."""

    issuer: str
    audience: str
    url: str
    log: Path | None = None

    def grant_types(self) -> list[str]:
        """The grant type of each token the provider issued so far, oldest first (from its
        ``log``)."""
        assert self.log is not None, "the provider was started without a log"
        lines = self.log.read_text().splitlines()
        return [json.loads(line)["grant_type"] for line in lines if line.startswith("{")]

    def token(self, client_id: str, resource: str | None = None) -> str:
        """An access token for the machine client ``client_id`` (for ``resource``, by default
        the audience)."""
        response = httpx.post(
            f"{self.url}/token",
            data={
                "grant_type": "client_credentials",
                "client_id": client_id,
                "client_secret": f"{client_id}-secret",
                "scope": "api",
                "resource": resource or self.audience,
            },
            timeout=10,
        )
        response.raise_for_status()
        token: str = response.json()["access_token"]
        return token


def install_provider() -> None:
    """Install ``oidc-provider`` with npm from the configured registry, once (no lockfile, so
    no registry host name is committed)."""
    if (PROVIDER_DIR / "node_modules" / "oidc-provider").exists():
        return
    npm = shutil.which("npm")
    assert npm, "npm is needed to install the test OpenID provider"
    subprocess.run(
        [npm, "install", "--no-package-lock", "--no-audit", "--no-fund", "--silent"],
        cwd=PROVIDER_DIR,
        check=True,
    )


@contextmanager
def running_provider(
    audience: str,
    client_roles: Mapping[str, Sequence[str]],
    user_roles: Mapping[str, Sequence[str]] | None = None,
    web_client: WebClient | None = None,
    port: int | None = None,
    issuer: str | None = None,
    access_token_ttl: int = 300,
    no_refresh_accounts: Sequence[str] = (),
    log: Path | None = None,
) -> Iterator[OidcProvider]:
    """A provider on ``port`` (a free one by default) for as long as the block runs.
    ``client_roles`` and ``user_roles`` (by login name) land in the ``roles`` claim of access
    tokens, which live ``access_token_ttl`` seconds. Signed-in people get refresh tokens, but
    for the accounts in ``no_refresh_accounts``. ``issuer`` is its issuer URL,
    ``http://127.0.0.1:<port>`` by default: give one ending in "/", or one on the port of a
    proxy in front of it. Its output goes to ``log`` when given (see
    ``OidcProvider.grant_types``)."""
    install_provider()
    port = port or free_port()
    direct = f"http://127.0.0.1:{port}"
    issuer = issuer or direct
    env = {
        **os.environ,
        "PORT": str(port),
        "AUDIENCE": audience,
        "CLIENT_ROLES": json.dumps(client_roles),
        "USER_ROLES": json.dumps(user_roles or {}),
        "ISSUER": issuer,
        "ACCESS_TOKEN_TTL": str(access_token_ttl),
        "NO_REFRESH_ACCOUNTS": json.dumps(list(no_refresh_accounts)),
    }
    if web_client is not None:
        env["WEB_CLIENT"] = json.dumps(asdict(web_client))
    output = log.open("wb") if log is not None else None
    process = subprocess.Popen(["node", "provider.mjs"], cwd=PROVIDER_DIR, env=env, stdout=output)
    try:
        _wait_for(direct, process)
        yield OidcProvider(
            issuer=issuer,
            audience=audience,
            url=direct if issuer == direct else issuer.rstrip("/"),
            log=log,
        )
    finally:
        process.terminate()
        process.wait(10)
        if output is not None:
            output.close()


def _wait_for(url: str, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + START_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the test OpenID provider exited with {process.returncode}")
        try:
            httpx.get(f"{url}/.well-known/openid-configuration", timeout=1).raise_for_status()
            return
        except httpx.HTTPError:
            time.sleep(0.1)
    raise RuntimeError(f"the test OpenID provider did not start within {START_SECONDS} s")
