"""Conf validation against a DAG's params, with per-field messages."""

from __future__ import annotations

from airdeck_domain.conf import check_conf_limits, params_to_schema, validate_conf

PARAMS = {
    "region": {
        "value": "eu",
        "schema": {"type": "string", "enum": ["eu", "us", "apac"]},
        "description": "Sales region",
    },
    "days": {"value": 7, "schema": {"type": "integer", "minimum": 1, "maximum": 31}},
    "email": {"value": None, "schema": {"type": ["null", "string"]}},
    "dataset": {"value": None, "schema": {"type": "string"}},
}


def test_params_fold_into_one_schema() -> None:
    schema = params_to_schema(PARAMS)
    assert schema["properties"]["region"] == {
        "type": "string",
        "enum": ["eu", "us", "apac"],
        "default": "eu",
        "description": "Sales region",
    }
    assert schema["required"] == ["dataset"]


def test_per_field_errors() -> None:
    schema = params_to_schema(PARAMS)
    errors = validate_conf(schema, {"region": "mars", "days": 40, "dataset": "x"})
    assert set(errors) == {"region", "days"}
    assert "31" in errors["days"]
    assert validate_conf(schema, {}) == {"dataset": "is required"}
    assert validate_conf(schema, {"dataset": "sales", "days": 3, "email": None}) == {}


def test_nested_paths_are_dotted() -> None:
    schema = {
        "type": "object",
        "properties": {"a": {"type": "object", "properties": {"b": {"type": "integer"}}}},
    }
    assert validate_conf(schema, {"a": {"b": "x"}}) == {"a.b": "'x' is not of type 'integer'"}


def test_limits() -> None:
    assert check_conf_limits([1]) == {"conf": "must be a JSON object"}
    deep: dict[str, object] = {}
    node = deep
    for _ in range(10):
        node["n"] = {}
        node = node["n"]  # type: ignore[assignment]
    assert "levels deep" in check_conf_limits(deep)["conf"]
    assert "bytes" in check_conf_limits({"x": "y" * 70_000})["conf"]
    assert check_conf_limits({"a": [1, {"b": 2}]}) == {}
