"""The trigger form drawn from a DAG's params JSON schema, and the conversions that keep the
form and raw JSON describing the same conf.

Every widget holds its value as text (what the browser's control shows): ``"true"`` for a
switch, ``"42"`` for a number, ``["eu", "us"]`` (a JSON list of option texts) for a set of
choices, JSON for the JSON editor, and ``""`` for no value. A conf is read from those texts with
each value's real JSON type, and a conf is shown in them again, so switching between the form and
raw JSON loses nothing.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Mapping
from datetime import UTC, date, datetime, time
from typing import Any, TypedDict

from airdeck_domain.conf import validate_conf

Conf = dict[str, Any]
FormValues = dict[str, str]
"""Each field's widget text, by param name."""

SWITCH = "switch"
INTEGER = "integer"
NUMBER = "number"
ENUM = "enum"
CHOICES = "choices"
DATE = "date"
DATETIME = "datetime"
TIME = "time"
JSON = "json"
TEXT = "text"

_FORMATS = {"date": DATE, "date-time": DATETIME, "time": TIME}
_SCALARS = {"boolean": SWITCH, "integer": INTEGER, "number": NUMBER}


class FieldRow(TypedDict):
    """One param as the trigger dialog draws it."""

    name: str
    label: str
    """The param's ``title``, else its name."""
    kind: str
    """Which widget: one of the kind constants of this module."""
    options: list[str]
    """An enum's (or an array's item enum's) options, each as its text."""
    description: str
    default: str
    """The default as JSON, ``""`` when the param has none."""
    hint: str
    """The bounds and units a person should know (``min 1 · max 31``, ``UTC``)."""
    minimum: str
    maximum: str
    step: str
    """A number input's ``min``, ``max`` and ``step`` attributes (``""``: none)."""
    nullable: bool
    """The schema accepts null: the field can be cleared."""


class MisfitError(ValueError):
    """A conf the form's widgets cannot show (raw JSON that does not fit the params)."""


def _properties(schema: Mapping[str, Any]) -> dict[str, dict[str, Any]]:
    properties = schema.get("properties") or {}
    return {
        name: dict(prop) if isinstance(prop, Mapping) else {} for name, prop in properties.items()
    }


def _types(prop: Mapping[str, Any]) -> tuple[list[str], bool]:
    """The non-null JSON types a param allows, and whether it allows null. An untyped param
    takes its default's type (as Airflow's own form does) and allows anything, null included."""
    declared = prop.get("type")
    if isinstance(declared, str):
        types = [declared]
    elif isinstance(declared, list):
        types = [str(t) for t in declared]
    else:
        inferred = _json_type(prop.get("default"))
        return ([inferred] if inferred else []), True
    return [t for t in types if t != "null"], "null" in types


def _json_type(value: Any) -> str:
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    if isinstance(value, dict):
        return "object"
    return ""


def _kind(prop: Mapping[str, Any]) -> str:
    if isinstance(prop.get("enum"), list):
        return ENUM
    types, _ = _types(prop)
    if len(types) != 1:
        return JSON  # several types (or none): only JSON says which one a value is
    kind = types[0]
    if kind in _SCALARS:
        return _SCALARS[kind]
    if kind == "string":
        return _FORMATS.get(str(prop.get("format")), TEXT)
    items = prop.get("items")
    if kind == "array" and isinstance(items, Mapping) and isinstance(items.get("enum"), list):
        return CHOICES
    return JSON


def _options(prop: Mapping[str, Any], kind: str) -> list[Any]:
    if kind == ENUM:
        return list(prop["enum"])
    if kind == CHOICES:
        return list(prop["items"]["enum"])
    return []


def option_text(option: Any) -> str:
    """How an enum option reads in a select or beside a checkbox: a string as itself, any other
    value (and the empty string, which a select cannot hold) as JSON."""
    return option if isinstance(option, str) and option else json.dumps(option)


def _number_text(value: Any) -> str:
    return json.dumps(value) if isinstance(value, (int, float)) else ""


def _plural(count: Any, noun: str) -> str:
    return f"{json.dumps(count)} {noun}" + ("" if count == 1 else "s")


def _hint(prop: Mapping[str, Any], kind: str) -> str:
    parts = [
        f"{label} {json.dumps(prop[key])}"
        for key, label in (
            ("minimum", "min"),
            ("exclusiveMinimum", "over"),
            ("maximum", "max"),
            ("exclusiveMaximum", "under"),
        )
        if key in prop
    ]
    if "minItems" in prop:
        parts.append("at least " + _plural(prop["minItems"], "item"))
    if "maxItems" in prop:
        parts.append("at most " + _plural(prop["maxItems"], "item"))
    if kind == DATETIME:
        parts.append("UTC")
    return " · ".join(parts)


def form_fields(schema: Mapping[str, Any]) -> list[FieldRow]:
    """One row per property of the params schema, in the schema's order."""
    rows: list[FieldRow] = []
    for name, prop in _properties(schema).items():
        kind = _kind(prop)
        _, nullable = _types(prop)
        rows.append(
            FieldRow(
                name=name,
                label=str(prop.get("title") or name),
                kind=kind,
                options=[option_text(o) for o in _options(prop, kind)],
                description=str(prop.get("description") or ""),
                default=json.dumps(prop["default"]) if "default" in prop else "",
                hint=_hint(prop, kind),
                minimum=_number_text(prop.get("minimum")) if kind in (INTEGER, NUMBER) else "",
                maximum=_number_text(prop.get("maximum")) if kind in (INTEGER, NUMBER) else "",
                step="1" if kind == INTEGER else "any" if kind == NUMBER else "",
                nullable=nullable,
            )
        )
    return rows


# --- a value → its widget's text ---------------------------------------------------------------


def _datetime_text(value: str) -> str:
    moment = datetime.fromisoformat(value)
    if moment.tzinfo is not None:
        moment = moment.astimezone(UTC)
    if moment.microsecond:
        raise ValueError("the picker shows whole seconds")
    return moment.strftime("%Y-%m-%dT%H:%M:%S" if moment.second else "%Y-%m-%dT%H:%M")


def _time_text(value: str) -> str:
    moment = time.fromisoformat(value)
    offset = moment.utcoffset()
    if (offset is not None and offset.total_seconds()) or moment.microsecond:
        raise ValueError("the picker shows UTC times to the second")
    return moment.strftime("%H:%M:%S" if moment.second else "%H:%M")


def _widget_text(prop: Mapping[str, Any], kind: str, value: Any) -> str:
    """``value`` as ``kind``'s widget shows it; MisfitError when that widget cannot show it."""
    if value is None:
        return ""
    try:
        if kind == SWITCH and isinstance(value, bool):
            return "true" if value else "false"
        if kind in (INTEGER, NUMBER) and _json_type(value) in ("integer", "number"):
            return json.dumps(value)
        if kind == ENUM and value in prop["enum"]:
            return option_text(value)
        if kind == CHOICES and isinstance(value, list):
            allowed = prop["items"]["enum"]
            if all(item in allowed for item in value):
                return json.dumps([option_text(item) for item in value])
        if kind == DATE and isinstance(value, str):
            return date.fromisoformat(value).isoformat()
        if kind == DATETIME and isinstance(value, str):
            return _datetime_text(value)
        if kind == TIME and isinstance(value, str):
            return _time_text(value)
        if kind == TEXT and isinstance(value, str):
            return value
        if kind == JSON:
            return json.dumps(value, indent=2)
    except ValueError as exc:
        raise MisfitError(f"its {kind} picker cannot show {json.dumps(value)}: {exc}") from None
    raise MisfitError(f"its {kind} field cannot show {json.dumps(value)}")


def values_from_conf(schema: Mapping[str, Any], conf: Mapping[str, Any]) -> FormValues:
    """Each field's widget text for ``conf``; a field the conf leaves out shows its default
    (what Airflow would use). MisfitError, naming the fields, when a widget cannot show a value or
    the conf has keys the form has no field for."""
    properties = _properties(schema)
    unknown = sorted(set(conf) - set(properties))
    if unknown:
        raise MisfitError(f"the form has no field for {', '.join(unknown)}")
    values: FormValues = {}
    problems: list[str] = []
    for name, prop in properties.items():
        kind = _kind(prop)
        if name in conf:
            try:
                values[name] = _widget_text(prop, kind, conf[name])
            except MisfitError as exc:
                problems.append(f"{name}: {exc}")
            continue
        try:
            values[name] = _widget_text(prop, kind, prop.get("default"))
        except MisfitError:
            values[name] = ""  # a default its own schema rejects: Airflow would refuse it too
        if kind == SWITCH and not values[name] and not _types(prop)[1]:
            values[name] = "false"  # an unticked switch means false, and says so when sent
    if problems:
        raise MisfitError("; ".join(problems))
    return values


def default_values(schema: Mapping[str, Any]) -> FormValues:
    """Each field's widget text for the params' defaults."""
    return values_from_conf(schema, {})


# --- a widget's text → its value ---------------------------------------------------------------


def _number(text: str) -> int | float:
    try:
        return int(text)
    except ValueError:
        pass
    number = float(text)  # ValueError for text that is no number at all
    if not math.isfinite(number):
        raise ValueError(f"{text} is not a finite number")
    return number


def _datetime_value(text: str) -> str:
    moment = datetime.fromisoformat(text)
    # The picker has no zone: its times are UTC, as the hint under it says.
    return (moment if moment.tzinfo else moment.replace(tzinfo=UTC)).isoformat()


_PICKERS: dict[str, Callable[[str], str]] = {
    DATE: lambda text: date.fromisoformat(text).isoformat(),
    DATETIME: _datetime_value,
    # Seconds and no offset: the shape Airflow's own form sends for ``format: time``.
    TIME: lambda text: time.fromisoformat(text).isoformat(timespec="seconds"),
}
_PICKER_SHAPES = {
    DATE: "date (YYYY-MM-DD)",
    DATETIME: "date and time (YYYY-MM-DDTHH:MM)",
    TIME: "time (HH:MM:SS)",
}


def _value(prop: Mapping[str, Any], kind: str, text: str) -> Any:
    """The JSON value ``text`` in ``kind``'s widget stands for; ValueError, saying why, when
    it stands for none."""
    if kind == SWITCH:
        return text == "true"
    if kind in (INTEGER, NUMBER):
        try:
            return _number(text)
        except ValueError:
            raise ValueError(f"{json.dumps(text)} is not a number") from None
    if kind in (ENUM, CHOICES):
        by_text = {option_text(o): o for o in _options(prop, kind)}
        if kind == ENUM:
            # An unknown text goes on as typed, for the schema to explain.
            return by_text.get(text, text)
        picked = json.loads(text)
        if not isinstance(picked, list):
            raise ValueError(f"{text} is not a list of choices")
        return [by_text.get(item, item) for item in picked]
    if kind in _PICKERS:
        try:
            return _PICKERS[kind](text)
        except ValueError:
            raise ValueError(f"{json.dumps(text)} is not a {_PICKER_SHAPES[kind]}") from None
    if kind == JSON:
        try:
            return json.loads(text)
        except ValueError as exc:
            raise ValueError(f"is not valid JSON: {exc}") from None
    return text


def conf_from_values(
    schema: Mapping[str, Any], values: Mapping[str, str]
) -> tuple[Conf, dict[str, str]]:
    """The conf the form's texts mean, each value with its JSON type, and the fields whose text
    means no value of theirs (``{"options": "is not valid JSON: …"}``). An empty field sends
    null when its param allows null, else is left out so the param's default applies."""
    conf: Conf = {}
    problems: dict[str, str] = {}
    for name, prop in _properties(schema).items():
        kind = _kind(prop)
        text = values.get(name, "")
        if not text.strip():
            if _types(prop)[1]:
                conf[name] = None
            continue
        try:
            conf[name] = _value(prop, kind, text.strip() if kind != TEXT else text)
        except ValueError as exc:
            problems[name] = str(exc)
    return conf, problems


def field_problems(problems: Mapping[str, str]) -> dict[str, str]:
    """Schema problems keyed by the field they belong to: a nested one (``options.retries``)
    goes to its top-level param, its path kept in the message."""
    folded: dict[str, str] = {}
    for path, message in problems.items():
        name, _, rest = path.partition(".")
        folded.setdefault(name, f"{rest}: {message}" if rest else message)
    return folded


def form_problems(
    schema: Mapping[str, Any], values: Mapping[str, str]
) -> tuple[Conf, dict[str, str]]:
    """The form's conf and every problem with it, by field: texts that mean no value first,
    then what the params schema says of the rest (the same check the API makes)."""
    conf, unreadable = conf_from_values(schema, values)
    checked = field_problems(validate_conf(schema, conf))
    return conf, {**{k: v for k, v in checked.items() if k not in unreadable}, **unreadable}


# --- raw JSON ----------------------------------------------------------------------------------


def conf_json(conf: Mapping[str, Any]) -> str:
    """A conf as the raw JSON editor shows it."""
    return json.dumps(conf, indent=2)


def conf_from_raw(schema: Mapping[str, Any], text: str) -> Conf:
    """The conf raw JSON holds, checked against the params; ValueError with a message a person
    can act on when it is no JSON object or the params refuse it."""
    try:
        conf = json.loads(text or "{}")
    except ValueError as exc:
        raise ValueError(f"The conf is not valid JSON: {exc}") from None
    if not isinstance(conf, dict):
        raise ValueError("The conf must be a JSON object ({…}).")
    problems = field_problems(validate_conf(schema, conf))
    if problems:
        raise ValueError(
            "The conf does not fit the params: "
            + "; ".join(f"{name}: {message}" for name, message in problems.items())
        )
    return conf


def values_from_raw(schema: Mapping[str, Any], text: str) -> FormValues:
    """The form's widget texts for raw JSON, for switching back from raw JSON to the form;
    ValueError, saying what to fix, when the JSON is invalid, the params refuse it or the
    widgets cannot show it."""
    conf = conf_from_raw(schema, text)
    try:
        return values_from_conf(schema, conf)
    except MisfitError as exc:
        raise ValueError(
            f"The form cannot show this conf ({exc}); keep editing it as raw JSON."
        ) from None


def chosen(fields: list[FieldRow], values: Mapping[str, str]) -> dict[str, list[str]]:
    """The option texts ticked in each set of choices."""
    picked: dict[str, list[str]] = {}
    for field in fields:
        if field["kind"] == CHOICES:
            try:
                texts = json.loads(values.get(field["name"]) or "[]")
            except ValueError:
                texts = []
            picked[field["name"]] = [str(t) for t in texts] if isinstance(texts, list) else []
    return picked


def toggled_choice(text: str, option: str, on: bool) -> str:
    """A set of choices' text with ``option`` ticked (added at the end) or unticked."""
    try:
        current = json.loads(text or "[]")
    except ValueError:
        current = []
    kept = [t for t in current if t != option] if isinstance(current, list) else []
    return json.dumps([*kept, option] if on else kept)
