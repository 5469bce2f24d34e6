"""Stopping the servers tests start as processes of their own."""

from __future__ import annotations

import signal
import subprocess


def stop(process: subprocess.Popen[bytes], grace: float = 30) -> None:
    """Ask ``process`` to shut down as a service manager would (SIGTERM), and kill it if it
    is still running ``grace`` seconds later."""
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(grace)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(10)
