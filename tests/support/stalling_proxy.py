"""A loopback TCP proxy in front of Airflow that can hear a trigger go by and then go silent:
it forwards the request (Airflow really starts the run) but never returns the answer, the way
a network failure or an overloaded server looks to a client."""

from __future__ import annotations

import asyncio
import contextlib
import threading
from collections.abc import Callable

from tests.support.tcp_proxy import TcpProxy


def is_trigger(data: bytes) -> bool:
    """Whether a chunk starts an HTTP request that triggers a DAG run."""
    request_line = data.split(b"\r\n", 1)[0]
    return request_line.startswith(b"POST ") and b"/dagRuns " in request_line


class StallingProxy(TcpProxy):
    """A ``TcpProxy`` that watches for triggers. On each one it calls ``on_trigger`` (from its
    own thread) and, with ``stall_triggers``, swallows that trigger's response. With
    ``stall_everything`` set, every response is swallowed. It also counts the requests whose
    request line contains ``watched``: how many, and the most waiting for an answer at once."""

    def __init__(self, target_host: str, target_port: int) -> None:
        super().__init__(target_host, target_port)
        self.on_trigger: Callable[[], None] | None = None
        self.stall_triggers = False
        self.stall_everything = False
        self.triggers_seen = threading.Event()
        self.watched: bytes | None = None
        self.watched_requests = 0
        self.most_in_flight = 0
        self._in_flight = 0

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            up_reader, up_writer = await asyncio.open_connection(*self.target)
        except OSError:
            writer.close()
            return
        self._writers.update({writer, up_writer})
        stalled = False
        waiting = False  # a watched request of this connection awaits its answer

        async def upstream() -> None:
            nonlocal stalled, waiting
            with contextlib.suppress(OSError):
                while data := await reader.read(65536):
                    if self.watched and self.watched in data.split(b"\r\n", 1)[0]:
                        waiting = True
                        self.watched_requests += 1
                        self._in_flight += 1
                        self.most_in_flight = max(self.most_in_flight, self._in_flight)
                    if is_trigger(data):
                        # Before forwarding, so the answer cannot slip through first.
                        stalled = stalled or self.stall_triggers
                        if self.on_trigger is not None:
                            self.on_trigger()
                        self.triggers_seen.set()
                    up_writer.write(data)
                    await up_writer.drain()
            up_writer.close()

        async def downstream() -> None:
            nonlocal waiting
            with contextlib.suppress(OSError):
                while data := await up_reader.read(65536):
                    if waiting:
                        waiting = False
                        self._in_flight -= 1
                    if stalled or self.stall_everything:
                        continue
                    writer.write(data)
                    await writer.drain()
            writer.close()

        await asyncio.gather(upstream(), downstream())
