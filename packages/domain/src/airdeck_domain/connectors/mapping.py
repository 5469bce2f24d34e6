"""JSON answers into rows: each field's path picks a value from each row, coerced to the
field's type. Anything that does not fit (the list of rows gone, a value of another type, a
value missing with no default) fails the whole mapping: a run loads all its rows or none."""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from airdeck_domain.connectors.paths import MISSING, Path, parse, pick, render
from airdeck_domain.connectors.spec import FieldMap, FieldType

Row = dict[str, Any]
TRUE = frozenset({"true", "1", "yes", "y", "t"})
FALSE = frozenset({"false", "0", "no", "n", "f"})


class MappingError(ValueError):
    """An answer the mapping cannot turn into rows; the message names the page, row, path and
    what was found instead."""


def _kind(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, (int, float)):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return "a list"
    return "an object"


def _number(value: Any, type_: FieldType) -> int | float:
    if isinstance(value, bool):
        raise ValueError("a boolean is not a number")
    if isinstance(value, str):
        text = value.strip()
        try:
            return int(text) if type_ == "int" else float(text)
        except ValueError:
            pass
        number = float(text)
    elif isinstance(value, (int, float)):
        number = value
    else:
        raise ValueError(f"{_kind(value)} is not a number")
    if type_ == "float":
        return float(number)
    if isinstance(number, float) and (not math.isfinite(number) or not number.is_integer()):
        raise ValueError(f"{number!r} is not a whole number")
    return int(number)


def _timestamp(value: Any) -> datetime:
    if isinstance(value, bool):
        raise ValueError("a boolean is not a timestamp")
    if isinstance(value, (int, float)):
        return datetime.fromtimestamp(value, UTC)
    if not isinstance(value, str):
        raise ValueError(f"{_kind(value)} is not a timestamp")
    moment = datetime.fromisoformat(value.strip())
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def coerce(value: Any, type_: FieldType) -> Any:
    """``value`` as ``type_`` (None stays None): numbers from numbers or numeric text, booleans
    from booleans, 0/1 or true/false text, timestamps from ISO 8601 text (UTC when it has no
    offset) or epoch seconds; a list or object as string is its JSON. ValueError otherwise."""
    if value is None:
        return None
    if type_ == "string":
        return value if isinstance(value, str) else json.dumps(value, sort_keys=True)
    if type_ in ("int", "float"):
        return _number(value, type_)
    if type_ == "bool":
        if isinstance(value, bool):
            return value
        if isinstance(value, int) and value in (0, 1):
            return bool(value)
        if isinstance(value, str) and value.strip().lower() in TRUE | FALSE:
            return value.strip().lower() in TRUE
        raise ValueError(f"{_kind(value)} {value!r} is not a boolean")
    return _timestamp(value)


class Mapping:
    """A mapping parsed once and applied to every page. Raises PathError (from ``parse``) for a
    path that does not parse; ``validation`` reports those per field before one is stored."""

    def __init__(self, fields: Sequence[FieldMap]) -> None:
        self.fields = list(fields)
        self.paths: list[Path] = [parse(field.path) for field in self.fields]
        self.rows = self.paths[0].rows if self.paths else None

    def count(self, document: Any) -> int:
        """How many rows one answer holds (0 where its list of rows is missing: mapping the
        answer says what is wrong)."""
        if self.rows is None:
            return 1
        found = pick(document, self.rows)
        return len(found) if isinstance(found, list) else 0

    def rows_of(self, document: Any, *, page: int = 1) -> list[Row]:
        """The rows of one answer, column → typed value."""
        if self.rows is None:
            return [self._row(document, page, 1)]
        found = pick(document, self.rows)
        if not isinstance(found, list):
            where = render(self.rows)
            what = "nothing" if found is MISSING else _kind(found)
            raise MappingError(
                f"page {page}: expected a list of rows at '{where}', found {what} "
                "(did the API's answer change shape?)"
            )
        return [self._row(element, page, number) for number, element in enumerate(found, 1)]

    def _row(self, element: Any, page: int, number: int) -> Row:
        row: Row = {}
        for field, path in zip(self.fields, self.paths, strict=True):
            value = pick(element, path.field)
            if value is MISSING or value is None:
                if value is MISSING and field.default is None:
                    raise MappingError(
                        f"page {page}, row {number}: nothing at '{field.path}' for column "
                        f"'{field.column}' (give the field a default if it may be missing)"
                    )
                value = field.default
            try:
                row[field.column] = coerce(value, field.type)
            except (ValueError, OverflowError) as exc:
                raise MappingError(
                    f"page {page}, row {number}: '{field.path}' for column '{field.column}' "
                    f"cannot be read as {field.type}: {exc}"
                ) from None
        return row


def map_pages(fields: Sequence[FieldMap], documents: Sequence[Any]) -> list[Row]:
    """Every row of every page, in order."""
    mapping = Mapping(fields)
    rows: list[Row] = []
    for page, document in enumerate(documents, 1):
        rows.extend(mapping.rows_of(document, page=page))
    return rows
