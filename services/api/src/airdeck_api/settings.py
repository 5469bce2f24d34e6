"""Configuration from ``AIRDECK_*`` environment variables, validated once at startup."""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal, cast

from airdeck_adapters.airflow import ApiVersion, DeploymentConfig
from airdeck_api.ratelimit import parse_limits

AuthMode = Literal["local", "oidc", "dev"]
PROJECT_ROOT = Path(__file__).resolve().parents[4]


class SettingsError(ValueError):
    """One or more settings are missing or invalid; ``problems`` lists each as a sentence."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("Invalid Airdeck configuration:\n  - " + "\n  - ".join(problems))
        self.problems = problems


@dataclass(frozen=True)
class Settings:
    """Everything the API needs to start; build it with ``Settings.from_env()``."""

    deployments: tuple[DeploymentConfig, ...]
    api_host: str = "127.0.0.1"
    api_port: int = 8100
    data_dir: Path = PROJECT_ROOT / ".airdeck" / "data"
    database_url: str = ""
    auth_mode: AuthMode = "local"
    local_users: str = ""
    oidc_issuer: str | None = None
    oidc_audience: str | None = None
    oidc_role_claim: str = "roles"
    oidc_role_map: Mapping[str, str] = field(default_factory=dict)
    redis_url: str | None = None
    web_origins: tuple[str, ...] = ("http://localhost:3000", "http://127.0.0.1:3000")
    rate_limits: str = ""
    rate_limit_prefix: str = "airdeck"
    max_body_bytes: int = 256 * 1024
    debug: bool = False

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Settings:
        """Read and validate the configuration; raises ``SettingsError`` listing every problem."""
        env = os.environ if env is None else env
        problems: list[str] = []

        def get(name: str, default: str = "") -> str:
            return env.get(f"AIRDECK_{name}", default).strip()

        def number(name: str, default: str, kind: type[int] | type[float]) -> float:
            raw = get(name, default)
            try:
                value = kind(raw)
            except ValueError:
                problems.append(f"AIRDECK_{name} must be a number, got {raw!r}")
                return kind(default)
            if value <= 0:
                problems.append(f"AIRDECK_{name} must be positive, got {raw!r}")
            return value

        timeout = float(number("AIRFLOW_TIMEOUT", "10", float))
        version = get("AIRFLOW_API_VERSION", "v2")
        if version not in ("v1", "v2"):
            problems.append(f"AIRDECK_AIRFLOW_API_VERSION must be 'v1' or 'v2', got {version!r}")
            version = "v2"
        deployments: list[DeploymentConfig] = []
        url = get("AIRFLOW_URL")
        if not url:
            problems.append("AIRDECK_AIRFLOW_URL is required (e.g. http://127.0.0.1:8080)")
        elif not url.startswith(("http://", "https://")):
            problems.append(f"AIRDECK_AIRFLOW_URL must start with http:// or https://, got {url!r}")
        username = get("AIRFLOW_USERNAME")
        if url and not username:
            problems.append("AIRDECK_AIRFLOW_USERNAME is required (Airdeck's service account)")
        if url:
            deployments.append(
                DeploymentConfig(
                    name=get("AIRFLOW_NAME", "default"),
                    url=url,
                    username=username,
                    password=env.get("AIRDECK_AIRFLOW_PASSWORD", ""),
                    api_version=cast(ApiVersion, version),
                    timeout=timeout,
                )
            )
        deployments += _extra_deployments(get("AIRFLOW_DEPLOYMENTS"), env, timeout, problems)
        names = [d.name for d in deployments]
        if len(set(names)) != len(names):
            problems.append(f"Airflow deployment names must be unique, got {names}")

        port = int(number("API_PORT", "8100", int))
        if not 0 < port < 65536:
            problems.append(f"AIRDECK_API_PORT must be a TCP port, got {port}")
        data_dir = Path(get("DATA_DIR") or PROJECT_ROOT / ".airdeck" / "data").resolve()
        database_url = get("DATABASE_URL") or f"sqlite+aiosqlite:///{data_dir / 'airdeck.db'}"
        if not database_url.startswith(("sqlite+aiosqlite://", "postgresql+asyncpg://")):
            problems.append(
                "AIRDECK_DATABASE_URL must be sqlite+aiosqlite:///path or "
                f"postgresql+asyncpg://user@host/db, got {database_url.split('://')[0]}://…"
            )
        auth_mode = get("AUTH_MODE", "local")
        if auth_mode not in ("local", "oidc", "dev"):
            problems.append(f"AIRDECK_AUTH_MODE must be local, oidc or dev, got {auth_mode!r}")
        issuer = get("OIDC_ISSUER") or None
        audience = get("OIDC_AUDIENCE") or None
        if auth_mode == "oidc" and not (issuer and audience):
            problems.append(
                "AIRDECK_AUTH_MODE=oidc needs AIRDECK_OIDC_ISSUER and AIRDECK_OIDC_AUDIENCE"
            )
        role_map: dict[str, str] = {}
        raw_map = get("OIDC_ROLE_MAP")
        if raw_map:
            try:
                loaded = json.loads(raw_map)
                if not isinstance(loaded, dict):
                    raise ValueError
                role_map = {str(k): str(v) for k, v in loaded.items()}
            except ValueError:
                problems.append(
                    'AIRDECK_OIDC_ROLE_MAP must be a JSON object like {"airdeck-admins": "admin"}'
                )
        origins = tuple(o.strip() for o in get("WEB_ORIGINS").split(",") if o.strip())
        local_users = env.get("AIRDECK_LOCAL_USERS", "")
        if auth_mode == "local" and not local_users.strip():
            problems.append(
                "AIRDECK_AUTH_MODE=local needs AIRDECK_LOCAL_USERS "
                "(name:password:role[,...]; roles viewer, operator, admin)"
            )
        rate_limits = get("RATE_LIMITS")
        try:
            parse_limits(rate_limits)
        except ValueError as exc:
            problems.append(f"AIRDECK_RATE_LIMITS: {exc}")
        max_body = int(number("MAX_BODY_BYTES", str(256 * 1024), int))
        if problems:
            raise SettingsError(problems)
        return cls(
            deployments=tuple(deployments),
            api_host=get("API_HOST", "127.0.0.1"),
            api_port=port,
            data_dir=data_dir,
            database_url=database_url,
            auth_mode=cast(AuthMode, auth_mode),
            local_users=local_users,
            rate_limits=rate_limits,
            rate_limit_prefix=get("RATE_LIMIT_PREFIX", "airdeck"),
            max_body_bytes=max_body,
            oidc_issuer=issuer,
            oidc_audience=audience,
            oidc_role_claim=get("OIDC_ROLE_CLAIM", "roles"),
            oidc_role_map=role_map,
            redis_url=get("REDIS_URL") or None,
            web_origins=origins or cls.web_origins,
            debug=get("DEBUG", "false").lower() in ("1", "true", "yes"),
        )


def _extra_deployments(
    raw: str, env: Mapping[str, str], timeout: float, problems: list[str]
) -> list[DeploymentConfig]:
    """Further deployments from ``AIRDECK_AIRFLOW_DEPLOYMENTS``: a JSON list of objects with
    name, url, username, api_version and ``password_env`` (the variable holding the password)."""
    if not raw:
        return []
    try:
        items = json.loads(raw)
        if not isinstance(items, list):
            raise ValueError
    except ValueError:
        problems.append("AIRDECK_AIRFLOW_DEPLOYMENTS must be a JSON list of objects")
        return []
    result = []
    for index, item in enumerate(items):
        where = f"AIRDECK_AIRFLOW_DEPLOYMENTS[{index}]"
        if not isinstance(item, dict) or not all(item.get(k) for k in ("name", "url", "username")):
            problems.append(f"{where} needs name, url and username")
            continue
        version = item.get("api_version", "v2")
        if version not in ("v1", "v2"):
            problems.append(f"{where}.api_version must be 'v1' or 'v2'")
            continue
        password_env = item.get("password_env")
        if password_env and password_env not in env:
            problems.append(f"{where}.password_env names {password_env}, which is not set")
        result.append(
            DeploymentConfig(
                name=str(item["name"]),
                url=str(item["url"]),
                username=str(item["username"]),
                password=env.get(password_env, "") if password_env else "",
                api_version=version,
                timeout=float(item.get("timeout", timeout)),
            )
        )
    return result
