"""Validating a run's ``conf`` against the DAG's params before Airflow ever sees it."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import msgspec
from jsonschema import Draft202012Validator
from jsonschema.exceptions import SchemaError

MAX_CONF_DEPTH = 8
MAX_CONF_BYTES = 64 * 1024


def params_to_schema(params: Mapping[str, Any]) -> dict[str, Any]:
    """Fold Airflow's params (``{name: {"value", "schema", "description"}}``) into one JSON
    schema object: a property per param with its default and description; a param is required
    when it has no default and its schema does not allow null."""
    properties: dict[str, Any] = {}
    required: list[str] = []
    for name, param in params.items():
        if isinstance(param, Mapping) and ("schema" in param or "value" in param):
            prop = dict(param.get("schema") or {})
            default = param.get("value")
            description = param.get("description")
        else:  # a bare value: Airflow accepts plain defaults as params
            prop, default, description = {}, param, None
        if default is not None:
            prop.setdefault("default", default)
        if description and "description" not in prop:
            prop["description"] = description
        allowed = prop.get("type")
        nullable = allowed == "null" or (isinstance(allowed, list) and "null" in allowed)
        if default is None and not nullable and prop:
            required.append(name)
        properties[name] = prop
    schema: dict[str, Any] = {"type": "object", "properties": properties}
    if required:
        schema["required"] = sorted(required)
    return schema


def _path(parts: Any) -> str:
    return ".".join(str(p) for p in parts) or "conf"


def validate_conf(params_schema: Mapping[str, Any], conf: Mapping[str, Any]) -> dict[str, str]:
    """Per-field problems of ``conf`` against the schema (``{"days": "40 is greater than the
    maximum of 31"}``); empty when valid. Defaults fill missing fields, so only present or
    required-without-default fields are checked."""
    try:
        validator = Draft202012Validator(dict(params_schema))
        errors = sorted(validator.iter_errors(dict(conf)), key=lambda e: list(e.absolute_path))
    except SchemaError as exc:
        return {"conf": f"the DAG's params schema is invalid: {exc.message}"}
    problems: dict[str, str] = {}
    for error in errors:
        if error.validator == "required" and isinstance(error.instance, dict):
            missing = [r for r in error.validator_value if r not in error.instance]
            for name in missing:
                problems.setdefault(_path([*error.absolute_path, name]), "is required")
            continue
        problems.setdefault(_path(error.absolute_path), error.message)
    return problems


def conf_depth(value: Any) -> int:
    """How deeply ``value`` nests dicts and lists (a scalar is 0)."""
    depth, level = 0, [value]
    while level:
        nested = [
            child
            for item in level
            for child in (
                item.values() if isinstance(item, dict) else item if isinstance(item, list) else ()
            )
            if isinstance(child, (dict, list))
        ]
        if any(isinstance(item, (dict, list)) for item in level):
            depth += 1
        level = nested
    return depth


def check_conf_limits(
    conf: Any, *, max_depth: int = MAX_CONF_DEPTH, max_bytes: int = MAX_CONF_BYTES
) -> dict[str, str]:
    """Problems with the shape of ``conf`` itself: not an object, nested too deep, too large."""
    if not isinstance(conf, dict):
        return {"conf": "must be a JSON object"}
    depth = conf_depth(conf)
    if depth > max_depth:
        return {"conf": f"nests {depth} levels deep; at most {max_depth} are allowed"}
    size = len(msgspec.json.encode(conf))
    if size > max_bytes:
        return {"conf": f"is {size} bytes of JSON; at most {max_bytes} are allowed"}
    return {}
