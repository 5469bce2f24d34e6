"""Field paths of a mapping: ``data[*].user.email`` picks ``user.email`` from each element of
the list at ``data``. A path is dotted names, ``[n]`` list indexes, ``["any key"]`` quoted
names, and at most one ``[*]``, which marks where the rows are."""

from __future__ import annotations

import json
import re
from typing import Any

import msgspec

NAME = re.compile(r"[A-Za-z_$@][A-Za-z0-9_$@-]*")
INDEX = re.compile(r"\[(-?\d+)\]")
QUOTED = re.compile(r'\["((?:[^"\\]|\\.)*)"\]')
MAX_PATH = 512

Step = str | int | None
"""A name, a list index, or None for ``[*]``."""
MISSING: Any = msgspec.UNSET
"""What ``pick`` answers where the document has nothing."""


class PathError(ValueError):
    """A path that does not parse; the message says where and why."""


class Path(msgspec.Struct, frozen=True):
    """A parsed path: ``rows`` leads to the list of rows (None: the whole document is one row),
    ``field`` leads from a row to the value."""

    text: str
    rows: tuple[Step, ...] | None
    field: tuple[Step, ...]


def parse(text: str) -> Path:
    """The path ``text`` reads as; PathError naming the position of what does not parse."""
    if not text:
        raise PathError("is empty")
    if len(text) > MAX_PATH:
        raise PathError(f"is longer than {MAX_PATH} characters")
    steps: list[Step] = []
    position = 0
    while position < len(text):
        rest = text[position:]
        if rest.startswith("[*]"):
            steps.append(None)
            position += 3
        elif (index := INDEX.match(rest)) is not None:
            steps.append(int(index.group(1)))
            position += index.end()
        elif (quoted := QUOTED.match(rest)) is not None:
            steps.append(json.loads(f'"{quoted.group(1)}"'))
            position += quoted.end()
        else:
            dotted = position > 0 and rest.startswith(".")
            start = position + 1 if dotted else position
            if position > 0 and not dotted:
                raise PathError(f"expects '.', '[n]', '[*]' or '[\"name\"]' at position {position}")
            name = NAME.match(text, start)
            if name is None:
                raise PathError(f"expects a name at position {start}")
            steps.append(name.group(0))
            position = name.end()
    each = [i for i, step in enumerate(steps) if step is None]
    if len(each) > 1:
        raise PathError("has more than one [*]: rows come from one list")
    if not each:
        return Path(text, None, tuple(steps))
    return Path(text, tuple(steps[: each[0]]), tuple(steps[each[0] + 1 :]))


def render(steps: tuple[Step, ...]) -> str:
    """Steps written back as a path (``$`` for none: the document itself)."""
    out = ""
    for step in steps:
        if step is None:
            out += "[*]"
        elif isinstance(step, int):
            out += f"[{step}]"
        elif NAME.fullmatch(step):
            out += f".{step}" if out else step
        else:
            out += f"[{json.dumps(step)}]"
    return out or "$"


def pick(document: Any, steps: tuple[Step, ...]) -> Any:
    """The value at ``steps`` in ``document``, or ``MISSING`` where there is none (a name on
    something other than an object, an index past a list's end)."""
    value = document
    for step in steps:
        if isinstance(step, str):
            if not isinstance(value, dict) or step not in value:
                return MISSING
            value = value[step]
        elif isinstance(step, int):
            if not isinstance(value, list) or not -len(value) <= step < len(value):
                return MISSING
            value = value[step]
    return value
