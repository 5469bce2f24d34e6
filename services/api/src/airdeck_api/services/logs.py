"""Task log tailing: Airflow's continuation token wrapped in a signed cursor, lines redacted.

A cursor is ``<payload>.<mac>``, both base64url: the payload holds Airflow's token, how far the
reader got and the redaction state, and names the log it belongs to (a digest of deployment,
DAG, run, task, try and map index). The MAC is HMAC-SHA256 under a key derived (HKDF) from the
API's signing key in ``AIRDECK_DATA_DIR``, so every API process sharing that folder accepts the
cursors of the others, a client cannot make one up (which would read a whole log without the
``view_logs`` audit row), and a cursor of one log is refused on another.
"""

from __future__ import annotations

import asyncio
import base64
import binascii
import hashlib
import hmac
from contextlib import AbstractAsyncContextManager, nullcontext
from pathlib import Path

import msgspec
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from airdeck_api.auth.keys import load_or_create
from airdeck_api.services.context import RequestContext
from airdeck_domain.errors import InvalidInputError
from airdeck_domain.logs import readable_lines
from airdeck_domain.models import LogChunk

_KEY_PURPOSE = b"airdeck log cursors v1"


class _Cursor(msgspec.Struct, kw_only=True):
    log: str
    try_number: int
    token: str | None
    key_open: bool = False
    done: bool = False


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _refused(detail: str, reason: str) -> InvalidInputError:
    return InvalidInputError(detail, errors={"cursor": reason})


class LogCursors:
    """Signs cursors and checks them: each one is bound to the log it was issued for."""

    def __init__(self, key: bytes) -> None:
        self._key = key

    @classmethod
    def from_data_dir(cls, data_dir: Path) -> LogCursors:
        """Cursors keyed by the API's signing key in ``data_dir`` (created if missing, as in
        local mode; in oidc mode it serves only this). Replacing that key voids every cursor:
        readers then start again from the top of their log."""
        signing_key = load_or_create(data_dir)
        material = signing_key.private_key.private_bytes(
            serialization.Encoding.DER,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
        key = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=_KEY_PURPOSE).derive(
            material
        )
        return cls(key)

    def _mac(self, payload: str) -> str:
        return _b64(hmac.new(self._key, payload.encode(), hashlib.sha256).digest())

    def encode(self, cursor: _Cursor) -> str:
        """The signed, URL-safe form of ``cursor``."""
        payload = _b64(msgspec.json.encode(cursor))
        return f"{payload}.{self._mac(payload)}"

    def decode(self, raw: str, log: str) -> _Cursor:
        """The cursor ``raw`` stands for if this API issued it for ``log``; InvalidInputError
        otherwise (made up, altered, or issued for another log)."""
        payload, _, mac = raw.partition(".")
        if not hmac.compare_digest(mac.encode(), self._mac(payload).encode()):
            raise _refused(
                "cursor is not one this API issued (altered, made up, or from before a key "
                "change); omit it to read the log from the start",
                "unrecognised cursor",
            )
        try:
            cursor = msgspec.json.decode(_unb64(payload), type=_Cursor)
        except (binascii.Error, ValueError, msgspec.DecodeError):
            raise _refused(
                "cursor is not one this API issued; omit it to read the log from the start",
                "unrecognised cursor",
            ) from None
        if not hmac.compare_digest(cursor.log, log):
            raise _refused(
                "cursor belongs to another task log (deployment, DAG, run, task or map index "
                "differ); use the cursor returned for this log, or omit it to start over",
                "cursor of another log",
            )
        return cursor


def log_identity(deployment: str, dag_id: str, run_id: str, task_id: str, map_index: int) -> str:
    """A digest naming one task instance's logs (the try is checked separately)."""
    named = msgspec.json.encode([deployment, dag_id, run_id, task_id, map_index])
    return _b64(hashlib.sha256(named).digest())


class LogService:
    """Reads task logs incrementally from one deployment, for one caller."""

    def __init__(self, context: RequestContext, cursors: LogCursors) -> None:
        self.context = context
        self.airflow = context.airflow
        self.cursors = cursors

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
        without one; a cursor keeps to the try it started on). Only new lines travel: Airflow's
        continuation token marks the position. A private key split between two calls is
        masked in both: the cursor remembers that one is open.

        The caller must be allowed to read the DAG's logs. Opening a log (no ``cursor``) is
        audited as ``view_logs``; following it with the returned cursor is the same viewing
        and is not audited again."""
        await self.context.access.require("logs:read", dag_id)
        viewing: AbstractAsyncContextManager[object] = (
            nullcontext()
            if cursor
            else self.context.audit.action(
                self.context.actor,
                "view_logs",
                self.context.deployment,
                dag_id,
                run_id=run_id,
                details={"task_id": task_id, "try_number": try_number, "map_index": map_index},
            )
        )
        async with viewing:
            log = log_identity(self.airflow.name, dag_id, run_id, task_id, map_index)
            if cursor:
                state = self.cursors.decode(cursor, log)
                if try_number is not None and try_number != state.try_number:
                    raise _refused(
                        f"cursor belongs to try {state.try_number}, not {try_number}; omit "
                        "try_number to follow it, or omit the cursor to read this try from the "
                        "start",
                        "cursor of another try",
                    )
            else:
                if try_number is None:
                    instance = await self.airflow.task_instance(dag_id, run_id, task_id, map_index)
                    try_number = max(instance.try_number, 1)
                state = _Cursor(log=log, try_number=try_number, token=None)
            if state.done:
                return LogChunk(content="", lines=[], cursor=cursor, is_complete=True)
            page = await self.airflow.get_log(
                dag_id,
                run_id,
                task_id,
                try_number=state.try_number,
                map_index=map_index,
                continuation_token=state.token,
            )
            # Parsing and redaction are CPU work on text a task chose: off the event loop.
            lines, key_open = await asyncio.to_thread(
                readable_lines, page.events, key_open=state.key_open
            )
            complete = page.continuation_token is None
            next_cursor = msgspec.structs.replace(
                state,
                token=page.continuation_token,
                key_open=key_open,
                done=complete,
            )
            return LogChunk(
                content="\n".join(line.text for line in lines),
                lines=lines,
                cursor=self.cursors.encode(next_cursor),
                is_complete=complete,
            )
