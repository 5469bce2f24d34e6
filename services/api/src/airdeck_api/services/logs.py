"""Task log tailing: Airflow's continuation token wrapped in an opaque cursor, lines redacted."""

from __future__ import annotations

import base64

import msgspec

from airdeck_adapters.airflow import AirflowClient
from airdeck_domain.errors import InvalidInputError
from airdeck_domain.logs import parse_events, redact
from airdeck_domain.models import LogChunk


class _Cursor(msgspec.Struct, kw_only=True):
    token: str | None
    lines: int
    done: bool = False


def encode_cursor(cursor: _Cursor) -> str:
    """An opaque, URL-safe cursor."""
    return base64.urlsafe_b64encode(msgspec.json.encode(cursor)).decode().rstrip("=")


def decode_cursor(raw: str) -> _Cursor:
    """The cursor a previous call returned; InvalidInputError for anything else."""
    try:
        padded = raw + "=" * (-len(raw) % 4)
        return msgspec.json.decode(base64.urlsafe_b64decode(padded), type=_Cursor)
    except (ValueError, msgspec.DecodeError):
        raise InvalidInputError(
            "cursor is not one this API returned; omit it to read the log from the start",
            errors={"cursor": "unrecognised cursor"},
        ) from None


class LogService:
    """Reads task logs incrementally from one deployment."""

    def __init__(self, airflow: AirflowClient) -> None:
        self.airflow = airflow

    async def tail(
        self,
        dag_id: str,
        run_id: str,
        task_id: str,
        *,
        try_number: int | None,
        map_index: int,
        cursor: str | None,
    ) -> LogChunk:
        """The log lines after ``cursor`` (from the start without one) of a try (the latest
        without one). Only new lines travel: Airflow's continuation token marks the position."""
        state = decode_cursor(cursor) if cursor else _Cursor(token=None, lines=0)
        if state.done:
            return LogChunk(content="", lines=[], cursor=cursor, is_complete=True)
        if try_number is None:
            instance = await self.airflow.task_instance(dag_id, run_id, task_id, map_index)
            try_number = max(instance.try_number, 1)
        page = await self.airflow.get_log(
            dag_id,
            run_id,
            task_id,
            try_number=try_number,
            map_index=map_index,
            continuation_token=state.token,
        )
        lines = [
            msgspec.structs.replace(line, text=redact(line.text))
            for line in parse_events(page.events)
        ]
        complete = page.continuation_token is None
        next_cursor = _Cursor(
            token=page.continuation_token if not complete else None,
            lines=state.lines + len(lines),
            done=complete,
        )
        return LogChunk(
            content="\n".join(line.text for line in lines),
            lines=lines,
            cursor=encode_cursor(next_cursor),
            is_complete=complete,
        )
