"""The spec files: the API writes one JSON file per connector into the connectors folder
(``<deployment>--<slug>.json``, replaced atomically) and removes it when the connector is
deleted; the DAG factory reads them back. They hold no secret: only where each one lives."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import msgspec

from airdeck_domain.connectors.spec import ConnectorSpec

SUFFIX = ".json"


def spec_path(directory: Path, deployment: str, slug: str) -> Path:
    """Where a connector's spec lives."""
    return directory / f"{deployment}--{slug}{SUFFIX}"


def write_spec(directory: Path, spec: ConnectorSpec) -> Path:
    """Write (or replace) a connector's spec; a reader sees the old file or the new one, never
    half of one."""
    directory.mkdir(parents=True, exist_ok=True)
    path = spec_path(directory, spec.deployment, spec.slug)
    handle, temporary = tempfile.mkstemp(dir=directory, prefix=".", suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(msgspec.json.format(msgspec.json.encode(spec)))
        # Readable by Airflow's user, which may not be the API's (the files hold no secret).
        os.chmod(temporary, 0o644)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return path


def remove_spec(directory: Path, deployment: str, slug: str) -> bool:
    """Remove a connector's spec; whether there was one."""
    path = spec_path(directory, deployment, slug)
    existed = path.exists()
    path.unlink(missing_ok=True)
    return existed


def read_specs(
    directory: Path, deployment: str | None = None
) -> tuple[list[ConnectorSpec], dict[str, str]]:
    """Every spec in ``directory`` (of ``deployment`` only, when given), by file name order,
    and the files that could not be read, with why."""
    specs: list[ConnectorSpec] = []
    problems: dict[str, str] = {}
    if not directory.is_dir():
        return specs, problems
    for path in sorted(directory.glob(f"*{SUFFIX}")):
        if deployment is not None and not path.name.startswith(f"{deployment}--"):
            continue
        try:
            specs.append(msgspec.json.decode(path.read_bytes(), type=ConnectorSpec))
        except (OSError, msgspec.DecodeError) as exc:
            problems[path.name] = str(exc)
    return specs, problems
