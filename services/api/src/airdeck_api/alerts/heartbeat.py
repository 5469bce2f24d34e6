"""The alert worker's heartbeat: a small file in the data dir, rewritten after every cycle that
finished, which ``airdeck worker --check`` reads to tell a worker that cycles from one that is
stuck, stopped or whose cycles keep failing. One file per host (a container's hostname is its
own), so workers sharing a data volume never vouch for each other."""

from __future__ import annotations

import logging
import os
import socket
from datetime import datetime, timedelta
from pathlib import Path

import msgspec

logger = logging.getLogger("airdeck.alerts")
HEALTHY_CYCLES = 3
"""How many cycles' worth of silence a healthy worker never reaches."""
MIN_WINDOW = timedelta(seconds=30)
"""The shortest window: a cycle reading a large Airflow, or retrying a slow webhook, takes a
while of its own, which a short interval must not turn into a false alarm."""


class Heartbeat(msgspec.Struct, kw_only=True, frozen=True):
    """When the worker's latest cycle finished, the interval it runs at, and its process."""

    finished_at: datetime
    interval: float
    pid: int


def heartbeat_path(data_dir: Path, host: str | None = None) -> Path:
    """Where the worker of ``host`` (this one by default) records its heartbeat."""
    return data_dir / "heartbeats" / f"worker-{host or socket.gethostname()}.json"


def beat(path: Path, heartbeat: Heartbeat) -> None:
    """Record ``heartbeat`` at ``path``, replacing the last one at once (a check never reads
    half a file). A failure is logged, never raised: the check then reports the worker
    unhealthy, and the log says why."""
    partial = path.with_name(f"{path.name}.{os.getpid()}.tmp")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        partial.write_bytes(msgspec.json.encode(heartbeat))
        partial.replace(path)
    except OSError as exc:
        logger.warning("the worker could not record its heartbeat at %s: %s", path, exc)


def last_beat(path: Path) -> Heartbeat | None:
    """The heartbeat recorded at ``path``; None when there is none or it cannot be read."""
    try:
        return msgspec.json.decode(path.read_bytes(), type=Heartbeat)
    except (OSError, msgspec.DecodeError):
        return None


def window(interval: float) -> timedelta:
    """How old a heartbeat may be while its worker counts as healthy: ``HEALTHY_CYCLES``
    intervals, ``MIN_WINDOW`` at least."""
    return max(timedelta(seconds=HEALTHY_CYCLES * interval), MIN_WINDOW)


def unhealthy_reason(heartbeat: Heartbeat | None, now: datetime) -> str | None:
    """None while ``heartbeat`` is recent enough at ``now``; else why the worker is unhealthy,
    in words an operator can act on. A heartbeat dated ahead of ``now`` by more than the
    window (a clock set back) cannot vouch for the worker either."""
    if heartbeat is None:
        return (
            "no heartbeat: the worker has not finished a cycle yet, or runs with another "
            "AIRDECK_DATA_DIR or on another host"
        )
    age = now - heartbeat.finished_at
    allowed = window(heartbeat.interval)
    if abs(age) <= allowed:
        return None
    return (
        f"the worker (pid {heartbeat.pid}) last finished a cycle at "
        f"{heartbeat.finished_at.isoformat(timespec='seconds')}, {age.total_seconds():.0f} s "
        f"before {now.isoformat(timespec='seconds')}; over {allowed.total_seconds():.0f} s means "
        "it is stuck, stopped or its cycles fail: see its log"
    )
