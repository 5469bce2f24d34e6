"""Load generation for the benchmark: Debian's ``wrk`` at a fixed number of connections, for a
bounded time, against loopback only; and sequential latency samples with httpx."""

from __future__ import annotations

import statistics
import subprocess
import tempfile
import time
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

# wrk's Lua hook: one machine-readable line with the figures the table needs (latency in µs).
_REPORT = """
done = function(summary, latency, requests)
  io.write(string.format("WRK %d %d %d %d %d %d\\n", summary.requests, summary.duration,
    latency:percentile(50), latency:percentile(95), summary.errors.status,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout))
end
"""
LOOPBACK = frozenset({"127.0.0.1", "localhost", "::1"})


@dataclass(frozen=True)
class Throughput:
    """What ``wrk`` measured: requests per second and latency percentiles in milliseconds;
    ``failed`` counts non-2xx/3xx answers and socket errors."""

    requests: int
    rps: float
    p50: float
    p95: float
    failed: int


def wrk(
    url: str,
    headers: Mapping[str, str],
    *,
    connections: int = 16,
    seconds: float = 5,
    threads: int = 2,
) -> Throughput:
    """``wrk`` against ``url`` (loopback only) with ``connections`` for ``seconds``."""
    host = urlsplit(url).hostname
    if host not in LOOPBACK:
        raise ValueError(f"the benchmark only loads loopback servers, not {host}")
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(_REPORT)
    try:
        command = [
            "wrk",
            f"-t{threads}",
            f"-c{connections}",
            f"-d{seconds:g}s",
            "--timeout",
            "10s",
            "-s",
            script.name,
            *(arg for name, value in headers.items() for arg in ("-H", f"{name}: {value}")),
            url,
        ]
        done = subprocess.run(
            command, capture_output=True, text=True, timeout=seconds + 30, check=True
        )
    finally:
        Path(script.name).unlink()
    line = next(x for x in done.stdout.splitlines() if x.startswith("WRK "))
    requests, duration_us, p50, p95, status_errors, socket_errors = map(int, line.split()[1:])
    return Throughput(
        requests=requests,
        rps=requests / (duration_us / 1e6),
        p50=p50 / 1000,
        p95=p95 / 1000,
        failed=status_errors + socket_errors,
    )


@dataclass(frozen=True)
class Latency:
    """Sequential samples in milliseconds, and how many of the calls failed (timed anyway)."""

    samples: list[float]
    failed: int = 0

    @property
    def p50(self) -> float:
        return statistics.median(self.samples)

    @property
    def p95(self) -> float:
        ordered = sorted(self.samples)
        return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


async def sample(
    call: Callable[[], Awaitable[bool]],
    rounds: int,
    before: Callable[[], Awaitable[None]] | None = None,
) -> Latency:
    """Time ``call`` (True when it succeeded) ``rounds`` times one after the other;
    ``before`` runs untimed before each (e.g. to empty a cache)."""
    samples = []
    failed = 0
    for _ in range(rounds):
        if before is not None:
            await before()
        t0 = time.perf_counter()
        failed += not await call()
        samples.append((time.perf_counter() - t0) * 1000)
    return Latency(samples, failed)
