"""The deployments file (``AIRDECK_DEPLOYMENTS_FILE``): every Airflow deployment in one TOML file.

One table per deployment, its key the deployment's id::

    [deployments.prod]
    name = "Production"            # shown to people; the id when left out
    url = "https://airflow.example.com"
    api_version = "v2"             # v2: Airflow 3 (the default); v1: Airflow 2
    username_env = "PROD_AIRFLOW_USERNAME"
    password_env = "PROD_AIRFLOW_PASSWORD"
    environment = "production"     # a label for the deployment's badge
    color = "#c62828"              # the badge's colour
    timeout = 10                   # seconds, per Airflow call (AIRDECK_AIRFLOW_TIMEOUT otherwise)

Credentials are never written in the file, only the names of the environment variables that
hold them. The first deployment is the default one. Every problem is reported with the line it
is on (a syntax error with its line and column), all of them at once.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, cast

from airdeck_adapters.airflow import ApiVersion, DeploymentConfig

DEPLOYMENT_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]{0,62}")
"""An id that reads the same in a URL's query, a cache key and a grant (``@deployment=``)."""
COLOR = re.compile(r"#[0-9a-fA-F]{6}|#[0-9a-fA-F]{3}")
KEYS = (
    "name",
    "url",
    "api_version",
    "username_env",
    "password_env",
    "environment",
    "color",
    "timeout",
)
INLINE_SECRETS = {"username": "username_env", "password": "password_env"}
"""Keys that would hold a credential itself, and the key that names its variable instead."""
MAX_LABEL = 64


@dataclass
class _Located:
    """The file's text, to find the line a table or key is on (tomllib keeps no positions)."""

    lines: list[str]

    def table(self, deployment: str) -> int | None:
        """The line of ``[deployments.<id>]`` (or of ``<id> = {…}`` in ``[deployments]``)."""
        name = re.escape(deployment)
        quoted = rf"""(?:{name}|"{name}"|'{name}')"""
        header = re.compile(rf"^\s*\[\s*deployments\s*\.\s*{quoted}\s*\]")
        inline = re.compile(rf"^\s*{quoted}\s*=\s*\{{")
        for pattern in (header, inline):
            for number, line in enumerate(self.lines, start=1):
                if pattern.match(line):
                    return number
        return None

    def key(self, deployment: str, key: str) -> int | None:
        """The line setting ``key`` in the deployment's table (else the table's own line)."""
        start = self.table(deployment)
        if start is None:
            return None
        name = re.escape(key)
        setting = re.compile(rf"""(?:^|[{{,])\s*(?:{name}|"{name}"|'{name}')\s*=""")
        for number in range(start, len(self.lines) + 1):
            line = self.lines[number - 1]
            if number > start and line.lstrip().startswith("["):
                break
            if setting.search(line):
                return number
        return start

    def top_level(self, key: str) -> int | None:
        """The line of a top-level table or key named ``key``."""
        name = re.escape(key)
        pattern = re.compile(rf"""^\s*(?:\[+\s*)?(?:{name}|"{name}"|'{name}')\s*[.\]=]""")
        for number, line in enumerate(self.lines, start=1):
            if pattern.match(line):
                return number
        return None


@dataclass
class DeploymentsFile:
    """What reading the file gave: its deployments, and a sentence for each problem."""

    deployments: list[DeploymentConfig] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


def read_deployments_file(path: Path, env: Mapping[str, str], timeout: float) -> DeploymentsFile:
    """The deployments of the TOML file at ``path``, their credentials read from ``env``;
    ``timeout`` is the one a deployment gets when it sets none. Never raises: every problem
    (unreadable file, bad syntax, missing or wrong values) is a sentence naming its line."""
    result = DeploymentsFile()
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) else "it is not UTF-8 text"
        result.problems.append(
            f"AIRDECK_DEPLOYMENTS_FILE names {path}, which cannot be read: {reason}"
        )
        return result
    try:
        document = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        result.problems.append(f"{path}, {_syntax_error(str(exc))}")
        return result
    where = _Located(text.splitlines())

    def problem(line: int | None, sentence: str) -> None:
        result.problems.append(
            f"{path}, line {line}: {sentence}" if line else f"{path}: {sentence}"
        )

    for key in document:
        if key != "deployments":
            problem(
                where.top_level(key),
                f"unknown table or key {key!r}; each deployment is a [deployments.<id>] table",
            )
    tables = document.get("deployments")
    if not isinstance(tables, dict) or not tables:
        problem(None, "defines no deployment; add a [deployments.<id>] table for each one")
        return result
    for deployment, table in tables.items():
        found = _Deployment(deployment, where, env)
        config = found.read(table, timeout)
        for line, sentence in found.problems:
            problem(line, sentence)
        if config is not None:
            result.deployments.append(config)
    return result


class _Deployment:
    """Reads one deployment's table, noting each problem with the line it is on."""

    def __init__(self, deployment: str, where: _Located, env: Mapping[str, str]) -> None:
        self.id = deployment
        self.prefix = f"deployments.{deployment}"
        self.where = where
        self.env = env
        self.problems: list[tuple[int | None, str]] = []

    def note(self, key: str | None, sentence: str) -> None:
        """A problem on the line of ``key`` (None: of the table)."""
        line = self.where.key(self.id, key) if key else self.where.table(self.id)
        self.problems.append((line, sentence))

    def read(self, table: object, timeout: float) -> DeploymentConfig | None:
        """The deployment's config, or None when it has problems."""
        prefix = self.prefix
        if not isinstance(table, dict):
            self.note(None, f"{prefix} must be a table of settings")
            return None
        if not DEPLOYMENT_ID.fullmatch(self.id):
            self.note(
                None,
                f"the deployment id {self.id!r} must be 1-63 letters, digits, '-' or '_', "
                "starting with a letter or digit (it is used in URLs and grants)",
            )
        for key in table:
            if key in INLINE_SECRETS:
                self.note(
                    key,
                    f"{prefix}.{key}: credentials are never written in this file; set "
                    f"{INLINE_SECRETS[key]} to the name of the environment variable holding it",
                )
            elif key not in KEYS:
                self.note(key, f"{prefix}: unknown key {key!r}; known keys: {', '.join(KEYS)}")
        url = self.text(table, "url", required=True)
        if url and not url.startswith(("http://", "https://")):
            self.note("url", f"{prefix}.url must start with http:// or https://, got {url!r}")
        version = self.text(table, "api_version") or "v2"
        if version not in ("v1", "v2"):
            self.note("api_version", f"{prefix}.api_version must be 'v1' or 'v2', got {version!r}")
        username = self.variable(table, "username_env")
        password = self.variable(table, "password_env")
        color = self.text(table, "color")
        if color and not COLOR.fullmatch(color):
            self.note("color", f"{prefix}.color must be a hex colour like '#1e88e5', got {color!r}")
        seconds = table.get("timeout", timeout)
        if isinstance(seconds, bool) or not isinstance(seconds, int | float) or seconds <= 0:
            self.note("timeout", f"{prefix}.timeout must be a positive number of seconds")
        name, environment = self.text(table, "name"), self.text(table, "environment")
        if self.problems:
            return None
        return DeploymentConfig(
            name=self.id,
            url=url,
            username=username,
            password=password,
            api_version=cast(ApiVersion, version),
            timeout=float(seconds),
            display_name=name or self.id,
            environment=environment or None,
            color=color.lower() if color else None,
        )

    def text(self, table: dict[str, Any], key: str, *, required: bool = False) -> str:
        """The string at ``key`` ("" when absent), its problems noted: missing when required,
        not a string, blank, or a label longer than ``MAX_LABEL``."""
        value = table.get(key)
        if value is None:
            if required:
                self.note(None, f"{self.prefix} needs {key}")
            return ""
        if not isinstance(value, str) or not value.strip():
            self.note(key, f"{self.prefix}.{key} must be a non-empty string, got {value!r}")
            return ""
        if key in ("name", "environment") and len(value) > MAX_LABEL:
            self.note(key, f"{self.prefix}.{key} must be at most {MAX_LABEL} characters")
            return ""
        return value.strip()

    def variable(self, table: dict[str, Any], key: str) -> str:
        """The value of the environment variable named at ``key`` (required, and set)."""
        # An inline credential in its place is already a problem of its own.
        inline = next(k for k, v in INLINE_SECRETS.items() if v == key)
        variable = self.text(table, key, required=inline not in table)
        if not variable:
            return ""
        value = self.env.get(variable)
        if value is None:
            self.note(key, f"{self.prefix}.{key} names {variable}, which is not set")
            return ""
        if key == "username_env" and not value.strip():
            self.note(key, f"{self.prefix}.{key} names {variable}, which is empty")
        return value


def _syntax_error(message: str) -> str:
    """tomllib's ``Reason (at line L, column C)`` as ``line L, column C: Reason``."""
    found = re.fullmatch(r"(.*) \(at line (\d+), column (\d+)\)", message, flags=re.S)
    if found is None:
        return f"not valid TOML: {message}"
    reason, line, column = found.groups()
    return f"line {line}, column {column}: not valid TOML: {reason}"
