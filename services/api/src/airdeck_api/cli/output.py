"""Where the CLI writes: results on stdout (tables, JSON, log lines, ids), everything about
the work (progress, notes) on stderr, so a pipe gets only the results."""

from __future__ import annotations

from typing import Any

import click
import msgspec
from rich.console import Console

WIDE = 1000
"""The width tables get when stdout is not a terminal: as wide as their content, never cut."""


def results() -> Console:
    """The console for results (stdout): a terminal's width, or wide when redirected."""
    console = Console(markup=False, highlight=False, soft_wrap=True)
    if not console.is_terminal:
        console.width = WIDE
    return console


def notes() -> Console:
    """The console for progress and notes (stderr)."""
    return Console(stderr=True, markup=False, highlight=False, soft_wrap=True)


def print_json(value: Any) -> None:
    """``value`` (structs, lists of them) as indented JSON on stdout."""
    click.echo(msgspec.json.format(msgspec.json.encode(value), indent=2))
