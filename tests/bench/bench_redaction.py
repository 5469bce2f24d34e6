"""Redaction throughput, in MB/s of log text, on ordinary and on adversarial logs.

Run: python tests/bench/bench_redaction.py [--old PATH]
- ordinary: a task log of 20,000 lines (timestamps, paths, numbers, a few secrets and
  addresses), redacted line by line as the API does (``redact_lines``)
- adversarial: 100 KB lines made to make a backtracking rule stall (long runs of word
  characters, repeated key names, separators, URL and token prefixes), one at a time
Prints the median CPU time of several runs per input, as MB/s, and the slowest adversarial
figure. With ``--old PATH`` (a copy of an older ``redaction.py``) it measures that one's
``redact`` on the ordinary log and on 2 KB adversarial lines instead, each under a time limit,
to compare (a report, not a test).
"""

from __future__ import annotations

import argparse
import importlib.util
import multiprocessing
import statistics
import time
from collections.abc import Callable
from multiprocessing.connection import Connection
from pathlib import Path

from airdeck_domain.redaction import redact, redact_lines

RUNS = 5
ADVERSARIAL_UNITS = {
    "word run": "a",
    "secret_ repeated": "secret_",
    "key= repeated": "password=",
    "key=value pairs": "password=a ",
    "upper-case keys": "PASSWORD ",
    "flags": "--password ",
    "two-word keys": "API Key ",
    "scheme prefixes": "a://",
    "userinfo": "x://u:p@",
    "JWT prefixes": "eyJaaaaa.",
    "digits and dots": "1.",
    "colons": "a:",
    "PEM prefixes": "-----BEGIN ",
    "sk- prefixes": "sk-",
    "quotes and escapes": 'password="\\',
    "bearer": "bearer ",
    "mixed punctuation": "aA1._-+/=@:",
}


def ordinary_log(lines: int = 20_000) -> list[str]:
    """A plausible task log: mostly plain progress lines, some with secrets or addresses."""
    shapes = [
        "[2026-12-01T00:00:{s:02d}.123Z] INFO - processed batch {n} of 5000 (1024 rows) in 0.{s}s",
        "[2026-12-01T00:00:{s:02d}.456Z] INFO - reading s3://warehouse/raw/date=2026-12-01/{n}.parquet",
        "[2026-12-01T00:00:{s:02d}.789Z] WARNING - retrying request {n} to https://api.example.com/v2/items",
        "[2026-12-01T00:00:{s:02d}.012Z] INFO - connected to postgresql://etl:pw{n}@10.1.2.{s}:5432/db",
        "[2026-12-01T00:00:{s:02d}.345Z] DEBUG - headers {{'Authorization': 'Bearer tok{n}'}}",
        "[2026-12-01T00:00:{s:02d}.678Z] INFO - ::group::Step {n}",
        '  File "/opt/airflow/dags/etl.py", line {n}, in transform',
        "[2026-12-01T00:00:{s:02d}.901Z] INFO - model call with max_tokens=100 took {s} ms",
    ]
    return [shapes[n % len(shapes)].format(n=n, s=n % 60) for n in range(lines)]


def adversarial_line(unit: str, size: int) -> str:
    return (unit * (size // len(unit) + 1))[:size]


def median_seconds(action: Callable[[], object]) -> float:
    """CPU seconds (median of RUNS): steadier than wall time on a machine others share."""
    timings = []
    for _ in range(RUNS):
        started = time.process_time()
        action()
        timings.append(time.process_time() - started)
    return statistics.median(timings)


def megabytes(text: str) -> float:
    return len(text.encode()) / 1_000_000


def bench_current() -> None:
    log = ordinary_log()
    size = megabytes("\n".join(log))
    seconds = median_seconds(lambda: redact_lines(log))
    print(f"ordinary log ({size:.2f} MB, {len(log)} lines): {size / seconds:8.2f} MB/s")
    slowest = float("inf")
    for name, unit in ADVERSARIAL_UNITS.items():
        line = adversarial_line(unit, 100_000)
        rate = megabytes(line) / median_seconds(lambda line=line: redact(line))
        slowest = min(slowest, rate)
        print(f"adversarial 100 KB, {name:20s}: {rate:8.2f} MB/s")
    print(f"slowest adversarial: {slowest:.2f} MB/s")


def _old_redact(path: str, lines: list[str], result: Connection) -> None:
    spec = importlib.util.spec_from_file_location("old_redaction", path)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    started = time.process_time()
    for line in lines:
        module.redact(line)
    result.send(time.process_time() - started)


def bench_old(path: Path, limit: float) -> None:
    """The old ``redact`` on 2 KB adversarial lines, each in a process stopped after ``limit``
    seconds (a backtracking regex holds the GIL: only another process can be stopped)."""
    inputs = {"ordinary log, by line": ordinary_log()}
    for name, unit in ADVERSARIAL_UNITS.items():
        inputs[f"adversarial 2 KB, {name}"] = [adversarial_line(unit, 2_048)]
    for name, lines in inputs.items():
        size = megabytes("\n".join(lines))
        receiver, sender = multiprocessing.Pipe(duplex=False)
        process = multiprocessing.Process(target=_old_redact, args=(str(path), lines, sender))
        process.start()
        if receiver.poll(limit + 5):
            rate = f"{size / receiver.recv():8.4f} MB/s"
        else:
            rate = f"> {limit:.0f} s, under {size / limit:.5f} MB/s"
        process.kill()
        process.join()
        print(f"old, {name:38s}: {rate}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--old", type=Path, help="an older redaction.py to measure instead")
    parser.add_argument("--limit", type=float, default=30.0, help="seconds per old line")
    arguments = parser.parse_args()
    if arguments.old:
        bench_old(arguments.old, arguments.limit)
    else:
        bench_current()


if __name__ == "__main__":
    main()
