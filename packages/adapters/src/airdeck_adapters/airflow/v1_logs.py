"""Airflow 2's task log answers (``/api/v1``) → the events Airflow 3 sends.

Airflow 2 answers a log as one string: the Python ``repr`` of a list of ``(host, text)`` pairs,
the text in its own line format (``[time] {file.py:12} INFO - message``). Its continuation
token is always there; whether the log is complete is written inside it. Turning lines into
Airflow 3's event shape lets the domain treat both versions alike: levels, timestamps, groups,
and the "log message source details" group (paths on Airflow's hosts) left out.
"""

from __future__ import annotations

import ast
import base64
import binascii
import json
import re
import zlib
from datetime import datetime, timedelta
from typing import Any

from airdeck_domain.models import TaskInstance

_LINE = re.compile(
    r"^(?:\[(?P<timestamp>[^\]]+)\] )?(?:\{(?P<source>[^}]*)\} )?\s*"
    r"(?P<level>DEBUG|INFO|WARNING|ERROR|CRITICAL) - (?P<event>.*)$"
)


def _texts(content: str) -> list[str]:
    """The log texts of an answer: each host's text, or the content itself when it is not the
    list of pairs Airflow's file handler gives (another handler, or a plain message)."""
    try:
        pairs = ast.literal_eval(content)
    except (ValueError, SyntaxError, MemoryError, RecursionError):
        return [content]
    if not isinstance(pairs, list):
        return [content]
    return [
        str(pair[1]) if isinstance(pair, tuple) and len(pair) == 2 else str(pair) for pair in pairs
    ]


def events(content: str, *, continued: bool = False) -> list[dict[str, Any]]:
    """One event per log line: ``timestamp``, ``level`` (lower case, as Airflow 3 sends it),
    ``logger`` (Airflow 2's ``file.py:line``) and ``event`` for a line in Airflow's format; only
    ``event`` for any other line (a traceback, the rest of a multi-line message).

    ``continued``: the answer to a continuation token. Airflow 2 cuts its log text after the
    last line it sent, so the rest begins with that line's newline: not a line of its own."""
    found: list[dict[str, Any]] = []
    for text in _texts(content):
        for line in (text.removeprefix("\n") if continued else text).splitlines():
            match = _LINE.match(line)
            if match is None:
                found.append({"event": line})
                continue
            event: dict[str, Any] = {
                "event": match["event"],
                "level": match["level"].lower(),
            }
            if match["timestamp"]:
                event["timestamp"] = match["timestamp"]
            if match["source"]:
                event["logger"] = match["source"]
            found.append(event)
    return found


def finished(token: str) -> bool:
    """Whether Airflow 2 says the log ends here, read from its continuation token: a signed (not
    encrypted) itsdangerous payload, ``<base64 JSON>.<signature>``, zlib-compressed when it
    starts with a dot. An unreadable token counts as unfinished, so no line is ever lost."""
    payload = token.rpartition(".")[0]
    compressed = payload.startswith(".")
    raw = payload.removeprefix(".")
    try:
        data = base64.urlsafe_b64decode(raw + "=" * (-len(raw) % 4))
        metadata = json.loads(zlib.decompress(data) if compressed else data)
    except (binascii.Error, zlib.error, ValueError):
        return False
    return isinstance(metadata, dict) and metadata.get("end_of_log") is True


SETTLE = timedelta(seconds=10)
"""How long after a try ends its task runner may still write to its log: on a busy host the
return code and the follow-on scheduling lines come a few seconds after the recorded end."""


def settled(instance: TaskInstance, try_number: int, *, now: datetime) -> bool:
    """Whether a log Airflow 2 calls finished can no longer grow: an earlier try than the
    instance's current one, a try that never recorded an end (it never ran), or one that ended
    at least ``SETTLE`` ago."""
    if instance.try_number != try_number or instance.end_date is None:
        return True
    return now - instance.end_date >= SETTLE
