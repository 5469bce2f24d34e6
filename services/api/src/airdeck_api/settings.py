"""Configuration from ``AIRDECK_*`` environment variables, validated once at startup.

One small settings object per concern, each read by its own ``read``; ``Settings`` composes them.
Every reader notes its problems on the shared ``EnvReader`` instead of stopping at the first, so
a bad configuration is reported with all its problems at once.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal, cast

import msgspec
from limits import RateLimitItem

from airdeck_adapters.airflow import ApiVersion, DeploymentConfig
from airdeck_adapters.alerts.channels import SmtpConfig
from airdeck_api.auth.users import UsersError, parse_role
from airdeck_api.client_address import parse_networks
from airdeck_api.deployments_file import read_deployments_file
from airdeck_api.ratelimit import parse_limits
from airdeck_domain.connectors.addresses import allow_list_problem
from airdeck_domain.connectors.validation import CONN_ID
from airdeck_domain.merging import ALL_DEPLOYMENTS

AuthMode = Literal["local", "oidc", "dev"]
LogFormat = Literal["json", "console"]
DEFAULT_DATA_DIR = Path(".airdeck") / "data"
"""Relative to the working directory: `make` and the dev scripts run from the repository root."""
DEFAULT_WEB_ORIGINS = ("http://localhost:3000", "http://127.0.0.1:3000")
LOCAL_TOKEN_TTL_BOUNDS = (60, 7 * 24 * 3600)
"""A local token lives at least a minute (less leaves no time to use it) and at most a week
(a stolen token cannot be revoked, only outlived)."""
METRICS_TOKEN_MIN_LENGTH = 16
"""A scraper's token is a shared secret: long enough not to be guessed."""


class SettingsError(ValueError):
    """One or more settings are missing or invalid; ``problems`` lists each as a sentence."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("Invalid Airdeck configuration:\n  - " + "\n  - ".join(problems))
        self.problems = problems


class EnvReader:
    """Reads ``AIRDECK_<name>`` variables and collects a sentence for each invalid one."""

    def __init__(self, env: Mapping[str, str]) -> None:
        self.env = env
        self.problems: list[str] = []

    def text(self, name: str, default: str = "") -> str:
        """The variable, stripped; ``default`` when unset."""
        return self.env.get(f"AIRDECK_{name}", default).strip()

    def secret(self, name: str) -> str:
        """The variable exactly as set (a password may begin or end with a space)."""
        return self.env.get(f"AIRDECK_{name}", "")

    def integer(self, name: str, default: int) -> int:
        """A positive whole number; on a problem, noted, ``default``."""
        return int(self._positive(name, default, int))

    def seconds(self, name: str, default: float) -> float:
        """A positive number of seconds; on a problem, noted, ``default``."""
        return float(self._positive(name, default, float))

    def flag(self, name: str) -> bool:
        """True for ``1``, ``true`` or ``yes`` (any case)."""
        return self.text(name, "false").lower() in ("1", "true", "yes")

    def problem(self, sentence: str) -> None:
        """Note one problem; ``Settings.from_env`` raises once every reader has run."""
        self.problems.append(sentence)

    def _positive(self, name: str, default: float, kind: type[int] | type[float]) -> float:
        raw = self.text(name, str(default))
        try:
            value = kind(raw)
        except ValueError:
            self.problem(f"AIRDECK_{name} must be a number, got {raw!r}")
            return default
        if value <= 0:
            self.problem(f"AIRDECK_{name} must be positive, got {raw!r}")
        return value


@dataclass(frozen=True)
class HttpSettings:
    """How the API serves HTTP: where, with how many processes, and for whom."""

    host: str = "127.0.0.1"
    port: int = 8100
    workers: int = 1
    web_origins: tuple[str, ...] = DEFAULT_WEB_ORIGINS
    trusted_proxies: tuple[str, ...] = ()
    max_body_bytes: int = 256 * 1024
    debug: bool = False

    @classmethod
    def read(cls, env: EnvReader) -> HttpSettings:
        """``AIRDECK_API_HOST``, ``_API_PORT``, ``_API_WORKERS``, ``_WEB_ORIGINS``,
        ``_TRUSTED_PROXIES``, ``_MAX_BODY_BYTES`` and ``_DEBUG``."""
        port = env.integer("API_PORT", cls.port)
        if not 0 < port < 65536:
            env.problem(f"AIRDECK_API_PORT must be a TCP port, got {port}")
        trusted_proxies: tuple[str, ...] = ()
        try:
            trusted_proxies = tuple(str(n) for n in parse_networks(env.text("TRUSTED_PROXIES")))
        except ValueError as exc:
            env.problem(f"AIRDECK_TRUSTED_PROXIES: {exc}")
        origins = tuple(o.strip() for o in env.text("WEB_ORIGINS").split(",") if o.strip())
        return cls(
            host=env.text("API_HOST", cls.host),
            port=port,
            workers=env.integer("API_WORKERS", cls.workers),
            web_origins=origins or DEFAULT_WEB_ORIGINS,
            trusted_proxies=trusted_proxies,
            max_body_bytes=env.integer("MAX_BODY_BYTES", cls.max_body_bytes),
            debug=env.flag("DEBUG"),
        )


@dataclass(frozen=True)
class AirflowSettings:
    """The Airflow deployments Airdeck talks to, the first being the default one."""

    deployments: tuple[DeploymentConfig, ...]

    @property
    def longest_action(self) -> float:
        """Seconds an action can keep a request busy (a few Airflow calls, each up to its
        timeout): an idempotency key or audit row pending for longer has been abandoned."""
        return 4 * max((d.timeout for d in self.deployments), default=10.0) + 30

    @classmethod
    def read(cls, env: EnvReader, workers: int) -> AirflowSettings:
        """The deployments of ``AIRDECK_DEPLOYMENTS_FILE``, or without one, the deployment of
        ``AIRDECK_AIRFLOW_URL`` and those of ``_AIRFLOW_DEPLOYMENTS``;
        ``AIRDECK_AIRFLOW_MAX_IN_FLIGHT`` is shared out among the ``workers`` processes."""
        timeout = env.seconds("AIRFLOW_TIMEOUT", 10.0)
        if env.text("DEPLOYMENTS_FILE"):
            deployments = _file_deployments(env, timeout)
        else:
            deployments = [*_main_deployment(env, timeout), *_extra_deployments(env, timeout)]
        names = [d.name for d in deployments]
        if len(set(names)) != len(names):
            env.problem(f"Airflow deployment names must be unique, got {names}")
        if ALL_DEPLOYMENTS in names:
            env.problem(f"'{ALL_DEPLOYMENTS}' cannot name a deployment: it asks for all of them")
        # The bound is per deployment: each worker process takes its share of it.
        per_process = max(1, env.integer("AIRFLOW_MAX_IN_FLIGHT", 8) // max(1, workers))
        return cls(
            deployments=tuple(
                msgspec.structs.replace(d, max_in_flight=per_process) for d in deployments
            )
        )


@dataclass(frozen=True)
class StorageSettings:
    """Where the API keeps its files (signing key) and its product DB."""

    data_dir: Path
    database_url: str

    @classmethod
    def read(cls, env: EnvReader) -> StorageSettings:
        """``AIRDECK_DATA_DIR`` (default ``.airdeck/data`` in the working directory) and
        ``AIRDECK_DATABASE_URL`` (default a SQLite file in the data dir)."""
        data_dir = Path(env.text("DATA_DIR") or DEFAULT_DATA_DIR).resolve()
        database_url = env.text("DATABASE_URL") or f"sqlite+aiosqlite:///{data_dir / 'airdeck.db'}"
        if not database_url.startswith(("sqlite+aiosqlite://", "postgresql+asyncpg://")):
            env.problem(
                "AIRDECK_DATABASE_URL must be sqlite+aiosqlite:///path or "
                f"postgresql+asyncpg://user@host/db, got {database_url.split('://')[0]}://…"
            )
        return cls(data_dir=data_dir, database_url=database_url)


@dataclass(frozen=True)
class OidcSettings:
    """How bearer tokens from an OpenID provider are checked and mapped to roles."""

    issuer: str
    audience: str
    role_claim: str = "roles"
    role_map: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class AuthSettings:
    """Who may sign in: local users, or an OpenID provider's tokens (``oidc`` is set exactly
    in OIDC mode)."""

    mode: AuthMode = "local"
    local_users: str = ""
    oidc: OidcSettings | None = None
    local_token_ttl: int = 3600

    @classmethod
    def read(cls, env: EnvReader) -> AuthSettings:
        """``AIRDECK_AUTH_MODE``, ``_LOCAL_USERS``, ``_LOCAL_TOKEN_TTL`` (seconds) and the
        ``AIRDECK_OIDC_*`` of the API."""
        mode = env.text("AUTH_MODE", "local")
        ttl = env.integer("LOCAL_TOKEN_TTL", cls.local_token_ttl)
        low, high = LOCAL_TOKEN_TTL_BOUNDS
        if ttl > 0 and not low <= ttl <= high:
            env.problem(f"AIRDECK_LOCAL_TOKEN_TTL must be from {low} to {high} seconds, got {ttl}")
        if mode not in ("local", "oidc", "dev"):
            env.problem(f"AIRDECK_AUTH_MODE must be local, oidc or dev, got {mode!r}")
        issuer = env.text("OIDC_ISSUER")
        audience = env.text("OIDC_AUDIENCE")
        if mode == "oidc" and not (issuer and audience):
            env.problem(
                "AIRDECK_AUTH_MODE=oidc needs AIRDECK_OIDC_ISSUER and AIRDECK_OIDC_AUDIENCE"
            )
        role_map = _role_map(env)
        if mode == "oidc" and not env.text("OIDC_ROLE_MAP"):
            # Claim values are never roles by themselves: without a map nobody has any role.
            env.problem(
                "AIRDECK_AUTH_MODE=oidc needs AIRDECK_OIDC_ROLE_MAP, e.g. "
                '{"airdeck-admins": "admin"} (to use role names as they are: {"admin": "admin"})'
            )
        local_users = env.secret("LOCAL_USERS")
        if mode == "local" and not local_users.strip():
            env.problem(
                "AIRDECK_AUTH_MODE=local needs AIRDECK_LOCAL_USERS "
                "(name:password:role[,...]; roles viewer, operator, admin)"
            )
        oidc = None
        if mode == "oidc":
            oidc = OidcSettings(
                issuer=issuer,
                audience=audience,
                role_claim=env.text("OIDC_ROLE_CLAIM", "roles"),
                role_map=role_map,
            )
        return cls(
            mode=cast(AuthMode, mode), local_users=local_users, oidc=oidc, local_token_ttl=ttl
        )


@dataclass(frozen=True)
class RateLimitSettings:
    """The per-group rate limits: the defaults with ``AIRDECK_RATE_LIMITS`` over them."""

    limits: Mapping[str, RateLimitItem] = field(default_factory=lambda: parse_limits(""))

    @classmethod
    def read(cls, env: EnvReader) -> RateLimitSettings:
        """``AIRDECK_RATE_LIMITS`` (``group=N/period,...``) over the defaults."""
        try:
            return cls(limits=parse_limits(env.text("RATE_LIMITS")))
        except ValueError as exc:
            env.problem(f"AIRDECK_RATE_LIMITS: {exc}")
            return cls()


@dataclass(frozen=True)
class RedisSettings:
    """The Redis that API processes share cache and rate limits through (none: in-process)."""

    url: str | None = None
    prefix: str = "airdeck"

    @classmethod
    def read(cls, env: EnvReader) -> RedisSettings:
        """``AIRDECK_REDIS_URL`` and ``AIRDECK_RATE_LIMIT_PREFIX`` (its keys' prefix)."""
        return cls(
            url=env.text("REDIS_URL") or None, prefix=env.text("RATE_LIMIT_PREFIX", cls.prefix)
        )


@dataclass(frozen=True)
class CacheSettings:
    """Bounds of the in-process cache, and how long a read waits for a fresh entry."""

    max_entries: int = 10_000
    max_bytes: int = 64 * 1024 * 1024
    soft_timeout: float = 2.0

    @classmethod
    def read(cls, env: EnvReader) -> CacheSettings:
        """``AIRDECK_CACHE_MAX_ENTRIES``, ``_CACHE_MAX_BYTES`` and ``_AIRFLOW_SOFT_TIMEOUT``."""
        return cls(
            max_entries=env.integer("CACHE_MAX_ENTRIES", cls.max_entries),
            max_bytes=env.integer("CACHE_MAX_BYTES", cls.max_bytes),
            soft_timeout=env.seconds("AIRFLOW_SOFT_TIMEOUT", cls.soft_timeout),
        )


@dataclass(frozen=True)
class ActionSettings:
    """How long idempotency keys are kept, and how often pending audit rows are settled."""

    idempotency_ttl: float = 24 * 3600
    reconcile_interval: float = 60

    @classmethod
    def read(cls, env: EnvReader) -> ActionSettings:
        """``AIRDECK_IDEMPOTENCY_TTL`` and ``AIRDECK_RECONCILE_INTERVAL``, in seconds."""
        return cls(
            idempotency_ttl=env.seconds("IDEMPOTENCY_TTL", cls.idempotency_ttl),
            reconcile_interval=env.seconds("RECONCILE_INTERVAL", cls.reconcile_interval),
        )


@dataclass(frozen=True)
class ObservabilitySettings:
    """How the API logs (``json`` lines, or ``console`` for a person at a terminal), and the
    bearer token a Prometheus scraper may read ``/metrics`` with instead of a user's."""

    log_format: LogFormat = "json"
    metrics_token: str | None = field(default=None, repr=False)

    @classmethod
    def read(cls, env: EnvReader) -> ObservabilitySettings:
        """``AIRDECK_LOG_FORMAT`` and ``AIRDECK_METRICS_TOKEN``."""
        log_format = env.text("LOG_FORMAT", cls.log_format).lower()
        if log_format not in ("json", "console"):
            env.problem(f"AIRDECK_LOG_FORMAT must be json or console, got {log_format!r}")
            log_format = cls.log_format
        token = env.secret("METRICS_TOKEN")
        if token and (len(token) < METRICS_TOKEN_MIN_LENGTH or any(c.isspace() for c in token)):
            # Named by its length only: the value is a secret.
            env.problem(
                f"AIRDECK_METRICS_TOKEN must be at least {METRICS_TOKEN_MIN_LENGTH} characters "
                f"without spaces (got {len(token)} characters)"
            )
        return cls(log_format=cast(LogFormat, log_format), metrics_token=token or None)


@dataclass(frozen=True)
class AlertSettings:
    """How the alert worker reads Airflow and delivers (README, "Alerts")."""

    allow_private_urls: bool = False
    interval: float = 10.0
    overlap: float = 30.0
    lookback: float = 600.0
    max_attempts: int = 6
    send_lease: float = 120.0
    smtp: SmtpConfig | None = None

    @classmethod
    def read(cls, env: EnvReader) -> AlertSettings:
        """``AIRDECK_ALERTS_ALLOW_PRIVATE_URLS``, ``_ALERTS_INTERVAL``, ``_ALERTS_OVERLAP``,
        ``_ALERTS_LOOKBACK``, ``_ALERTS_MAX_ATTEMPTS``, ``_ALERTS_SEND_LEASE`` (seconds but the
        attempts) and the ``AIRDECK_ALERTS_SMTP_*`` server email alerts go through."""
        allow = env.text("ALERTS_ALLOW_PRIVATE_URLS", "false").lower()
        if allow not in ("1", "true", "yes", "0", "false", "no"):
            env.problem(f"AIRDECK_ALERTS_ALLOW_PRIVATE_URLS must be true or false, got {allow!r}")
        smtp = None
        host = env.text("ALERTS_SMTP_HOST")
        if host:
            port = env.integer("ALERTS_SMTP_PORT", 25)
            if not 0 < port < 65536:
                env.problem(f"AIRDECK_ALERTS_SMTP_PORT must be a TCP port, got {port}")
            smtp = SmtpConfig(
                host=host,
                port=port,
                sender=env.text("ALERTS_SMTP_SENDER", "airdeck@localhost"),
                username=env.text("ALERTS_SMTP_USERNAME") or None,
                password=env.secret("ALERTS_SMTP_PASSWORD") or None,
                starttls=env.flag("ALERTS_SMTP_STARTTLS"),
            )
        return cls(
            allow_private_urls=allow in ("1", "true", "yes"),
            interval=env.seconds("ALERTS_INTERVAL", cls.interval),
            overlap=env.seconds("ALERTS_OVERLAP", cls.overlap),
            lookback=env.seconds("ALERTS_LOOKBACK", cls.lookback),
            max_attempts=env.integer("ALERTS_MAX_ATTEMPTS", cls.max_attempts),
            send_lease=env.seconds("ALERTS_SEND_LEASE", cls.send_lease),
            smtp=smtp,
        )


@dataclass(frozen=True)
class ConnectorSettings:
    """Where connector specs go and which private hosts connectors may call (README,
    "Connectors"; ADR 0026)."""

    directory: Path | None = None
    """The folder the API writes spec files into and the DAG factory reads (None: the data
    dir's ``connectors``)."""
    allowed_hosts: tuple[str, ...] = ()
    product_conn_id: str = "airdeck_product_db"

    @classmethod
    def read(cls, env: EnvReader) -> ConnectorSettings:
        """``AIRDECK_CONNECTORS_DIR``, ``AIRDECK_CONNECTORS_ALLOWED_HOSTS`` (comma-separated
        host names, addresses and networks) and ``AIRDECK_CONNECTORS_PRODUCT_CONN_ID`` (the
        Airflow connection Airdeck keeps pointing at its own DB)."""
        listed = env.text("CONNECTORS_ALLOWED_HOSTS").split(",")
        hosts = tuple(host.strip() for host in listed if host.strip())
        for host in hosts:
            problem = allow_list_problem(host)
            if problem:
                env.problem(f"AIRDECK_CONNECTORS_ALLOWED_HOSTS: {problem}")
        conn_id = env.text("CONNECTORS_PRODUCT_CONN_ID", cls.product_conn_id)
        if not CONN_ID.match(conn_id):
            env.problem(
                f"AIRDECK_CONNECTORS_PRODUCT_CONN_ID is no Airflow connection id: {conn_id!r}"
            )
        directory = env.text("CONNECTORS_DIR")
        return cls(
            directory=Path(directory).resolve() if directory else None,
            allowed_hosts=hosts,
            product_conn_id=conn_id,
        )

    def folder(self, data_dir: Path) -> Path:
        """The spec folder, given the API's data dir."""
        return self.directory or data_dir / "connectors"


@dataclass(frozen=True)
class Settings:
    """Everything the API needs to start, by concern; build it with ``Settings.from_env()``."""

    airflow: AirflowSettings
    storage: StorageSettings
    http: HttpSettings = HttpSettings()
    auth: AuthSettings = AuthSettings()
    rate_limits: RateLimitSettings = RateLimitSettings()
    redis: RedisSettings = RedisSettings()
    cache: CacheSettings = CacheSettings()
    actions: ActionSettings = ActionSettings()
    observability: ObservabilitySettings = ObservabilitySettings()
    alerts: AlertSettings = AlertSettings()
    connectors: ConnectorSettings = ConnectorSettings()

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Settings:
        """Read and validate the configuration; raises ``SettingsError`` listing every problem."""
        reader = EnvReader(os.environ if env is None else env)
        http = HttpSettings.read(reader)
        settings = cls(
            airflow=AirflowSettings.read(reader, workers=http.workers),
            storage=StorageSettings.read(reader),
            http=http,
            auth=AuthSettings.read(reader),
            rate_limits=RateLimitSettings.read(reader),
            redis=RedisSettings.read(reader),
            cache=CacheSettings.read(reader),
            actions=ActionSettings.read(reader),
            observability=ObservabilitySettings.read(reader),
            alerts=AlertSettings.read(reader),
            connectors=ConnectorSettings.read(reader),
        )
        if reader.problems:
            raise SettingsError(reader.problems)
        return settings


def _file_deployments(env: EnvReader, timeout: float) -> list[DeploymentConfig]:
    """The deployments of ``AIRDECK_DEPLOYMENTS_FILE``, which lists every one: the variables
    that would describe others are refused beside it rather than silently ignored."""
    beside = [
        f"AIRDECK_{name}"
        for name in ("AIRFLOW_URL", "AIRFLOW_NAME", "AIRFLOW_API_VERSION", "AIRFLOW_DEPLOYMENTS")
        if env.text(name)
    ]
    if beside:
        env.problem(
            f"AIRDECK_DEPLOYMENTS_FILE lists every deployment; unset {', '.join(beside)} "
            "(or move what it describes into the file)"
        )
    read = read_deployments_file(Path(env.text("DEPLOYMENTS_FILE")), env.env, timeout)
    for problem in read.problems:
        env.problem(problem)
    return read.deployments


def _main_deployment(env: EnvReader, timeout: float) -> list[DeploymentConfig]:
    """The deployment of ``AIRDECK_AIRFLOW_URL``, required."""
    version = env.text("AIRFLOW_API_VERSION", "v2")
    if version not in ("v1", "v2"):
        env.problem(f"AIRDECK_AIRFLOW_API_VERSION must be 'v1' or 'v2', got {version!r}")
        version = "v2"
    url = env.text("AIRFLOW_URL")
    if not url:
        env.problem("AIRDECK_AIRFLOW_URL is required (e.g. http://127.0.0.1:8080)")
        return []
    if not url.startswith(("http://", "https://")):
        env.problem(f"AIRDECK_AIRFLOW_URL must start with http:// or https://, got {url!r}")
    username = env.text("AIRFLOW_USERNAME")
    if not username:
        env.problem("AIRDECK_AIRFLOW_USERNAME is required (Airdeck's service account)")
    return [
        DeploymentConfig(
            name=env.text("AIRFLOW_NAME", "default"),
            url=url,
            username=username,
            password=env.secret("AIRFLOW_PASSWORD"),
            api_version=cast(ApiVersion, version),
            timeout=timeout,
        )
    ]


def _extra_deployments(env: EnvReader, timeout: float) -> list[DeploymentConfig]:
    """Further deployments from ``AIRDECK_AIRFLOW_DEPLOYMENTS``: a JSON list of objects with
    name, url, username, api_version and ``password_env`` (the variable holding the password)."""
    raw = env.text("AIRFLOW_DEPLOYMENTS")
    if not raw:
        return []
    try:
        items = json.loads(raw)
        if not isinstance(items, list):
            raise ValueError
    except ValueError:
        env.problem("AIRDECK_AIRFLOW_DEPLOYMENTS must be a JSON list of objects")
        return []
    result = []
    for index, item in enumerate(items):
        where = f"AIRDECK_AIRFLOW_DEPLOYMENTS[{index}]"
        if not isinstance(item, dict) or not all(item.get(k) for k in ("name", "url", "username")):
            env.problem(f"{where} needs name, url and username")
            continue
        version = item.get("api_version", "v2")
        if version not in ("v1", "v2"):
            env.problem(f"{where}.api_version must be 'v1' or 'v2'")
            continue
        password_env = item.get("password_env")
        if password_env and password_env not in env.env:
            env.problem(f"{where}.password_env names {password_env}, which is not set")
        result.append(
            DeploymentConfig(
                name=str(item["name"]),
                url=str(item["url"]),
                username=str(item["username"]),
                password=env.env.get(password_env, "") if password_env else "",
                api_version=version,
                timeout=float(item.get("timeout", timeout)),
            )
        )
    return result


def _role_map(env: EnvReader) -> dict[str, str]:
    """``AIRDECK_OIDC_ROLE_MAP``, every value checked to be a (possibly scoped) role."""
    raw = env.text("OIDC_ROLE_MAP")
    if not raw:
        return {}
    try:
        loaded = json.loads(raw)
        if not isinstance(loaded, dict):
            raise ValueError
    except ValueError:
        env.problem('AIRDECK_OIDC_ROLE_MAP must be a JSON object like {"airdeck-admins": "admin"}')
        return {}
    role_map = {str(k): str(v) for k, v in loaded.items()}
    for claim, mapped in role_map.items():
        try:
            parse_role(mapped, claim)
        except UsersError as exc:
            env.problem(f"AIRDECK_OIDC_ROLE_MAP: {exc}")
    return role_map
