"""The trigger form from a DAG's params schema: widgets, JSON types, and raw JSON in sync."""

from __future__ import annotations

import json
from typing import Any

import pytest

from airdeck_domain.conf import params_to_schema
from airdeck_web.param_form import (
    chosen,
    conf_from_raw,
    conf_from_values,
    conf_json,
    default_values,
    form_fields,
    form_problems,
    toggled_choice,
    values_from_conf,
    values_from_raw,
)

# The params of examples/dags/typed_params.py, as Airflow's API gives them.
PARAMS: dict[str, Any] = {
    "dry_run": {"value": False, "schema": {"type": "boolean", "title": "Dry run"}},
    "batch_size": {
        "value": 100,
        "schema": {"type": "integer", "minimum": 10, "maximum": 1000},
        "description": "Rows per batch",
    },
    "sample_rate": {"value": 0.5, "schema": {"type": "number", "minimum": 0, "maximum": 1}},
    "since": {"value": "2025-01-01", "schema": {"type": "string", "format": "date"}},
    "not_before": {"value": None, "schema": {"type": ["null", "string"], "format": "date-time"}},
    "cutoff": {"value": None, "schema": {"type": ["null", "string"], "format": "time"}},
    "regions": {
        "value": ["eu"],
        "schema": {
            "type": "array",
            "items": {"type": "string", "enum": ["eu", "us", "apac"]},
            "minItems": 1,
        },
    },
    "columns": {
        "value": ["id", "amount"],
        "schema": {"type": "array", "items": {"type": "string"}},
    },
    "options": {
        "value": {"compress": True, "retries": 2},
        "schema": {
            "type": "object",
            "properties": {"retries": {"type": "integer", "minimum": 0}},
        },
    },
    "label": {"value": None, "schema": {"type": ["null", "string"]}},
}
SCHEMA = params_to_schema(PARAMS)
DEFAULTS: dict[str, Any] = {
    "dry_run": False,
    "batch_size": 100,
    "sample_rate": 0.5,
    "since": "2025-01-01",
    "not_before": None,
    "cutoff": None,
    "regions": ["eu"],
    "columns": ["id", "amount"],
    "options": {"compress": True, "retries": 2},
    "label": None,
}


def test_each_param_gets_the_widget_of_its_type() -> None:
    fields = {f["name"]: f for f in form_fields(SCHEMA)}
    assert list(fields) == list(PARAMS), "the schema's order"
    assert {name: f["kind"] for name, f in fields.items()} == {
        "dry_run": "switch",
        "batch_size": "integer",
        "sample_rate": "number",
        "since": "date",
        "not_before": "datetime",
        "cutoff": "time",
        "regions": "choices",
        "columns": "json",
        "options": "json",
        "label": "text",
    }
    batch = fields["batch_size"]
    assert (batch["minimum"], batch["maximum"], batch["step"]) == ("10", "1000", "1")
    assert batch["hint"] == "min 10 · max 1000" and batch["description"] == "Rows per batch"
    assert fields["sample_rate"]["step"] == "any"
    assert fields["regions"]["options"] == ["eu", "us", "apac"]
    assert fields["regions"]["hint"] == "at least 1 item"
    assert fields["not_before"]["hint"] == "UTC"
    assert fields["dry_run"]["label"] == "Dry run" and fields["label"]["label"] == "label"
    assert [n for n, f in fields.items() if f["nullable"]] == ["not_before", "cutoff", "label"]


def test_defaults_are_shown_as_json_not_python() -> None:
    fields = {f["name"]: f for f in form_fields(SCHEMA)}
    assert fields["dry_run"]["default"] == "false"
    assert fields["options"]["default"] == '{"compress": true, "retries": 2}'
    assert fields["columns"]["default"] == '["id", "amount"]'
    assert fields["label"]["default"] == ""
    values = default_values(SCHEMA)
    assert values["dry_run"] == "false" and values["batch_size"] == "100"
    assert json.loads(values["options"]) == {"compress": True, "retries": 2}
    assert values["regions"] == '["eu"]' and values["not_before"] == ""


def test_the_defaults_go_out_with_their_json_types() -> None:
    assert conf_from_values(SCHEMA, default_values(SCHEMA)) == (DEFAULTS, {})


def test_widget_texts_become_typed_values() -> None:
    values = {
        **default_values(SCHEMA),
        "dry_run": "true",
        "batch_size": "250",
        "sample_rate": "0.25",
        "not_before": "2025-03-01T09:30",
        "cutoff": "18:05",
        "regions": '["us", "eu"]',
        "columns": '["id"]',
        "options": '{"retries": 3}',
        "label": "march",
    }
    conf, problems = conf_from_values(SCHEMA, values)
    assert problems == {}
    assert conf == {
        **DEFAULTS,
        "dry_run": True,
        "batch_size": 250,
        "sample_rate": 0.25,
        "not_before": "2025-03-01T09:30:00+00:00",
        "cutoff": "18:05:00",
        "regions": ["us", "eu"],
        "columns": ["id"],
        "options": {"retries": 3},
        "label": "march",
    }


def test_an_emptied_field_sends_null_when_allowed_else_its_default_applies() -> None:
    conf, _ = conf_from_values(SCHEMA, {**default_values(SCHEMA), "label": "", "batch_size": ""})
    assert conf["label"] is None
    assert "batch_size" not in conf


def test_text_that_means_no_value_is_named_per_field() -> None:
    values = {**default_values(SCHEMA), "options": "{retries: 3", "batch_size": "lots"}
    conf, problems = form_problems(SCHEMA, values)
    assert problems["options"].startswith("is not valid JSON")
    assert problems["batch_size"] == '"lots" is not a number'
    assert "options" not in conf and "batch_size" not in conf


def test_schema_problems_are_found_per_field_nested_ones_on_their_param() -> None:
    values = {
        **default_values(SCHEMA),
        "batch_size": "5000",
        "regions": "[]",
        "options": '{"retries": -1}',
    }
    _, problems = form_problems(SCHEMA, values)
    assert set(problems) == {"batch_size", "regions", "options"}
    assert "1000" in problems["batch_size"]
    assert problems["options"].startswith("retries: ")


def test_raw_json_round_trips_with_the_form() -> None:
    values = {**default_values(SCHEMA), "dry_run": "true", "regions": '["apac"]'}
    conf, _ = conf_from_values(SCHEMA, values)
    assert values_from_raw(SCHEMA, conf_json(conf)) == values
    edited = {**conf, "batch_size": 900, "options": {"retries": 0}, "cutoff": "07:30:15"}
    back = values_from_raw(SCHEMA, conf_json(edited))
    assert (back["batch_size"], json.loads(back["options"]), back["cutoff"]) == (
        "900",
        {"retries": 0},
        "07:30:15",
    )
    assert conf_from_values(SCHEMA, back) == (edited, {})


def test_raw_json_that_leaves_a_param_out_shows_its_default() -> None:
    assert values_from_raw(SCHEMA, '{"dry_run": true}')["batch_size"] == "100"


def test_a_date_time_in_another_zone_is_shown_in_utc() -> None:
    values = values_from_conf(SCHEMA, {"not_before": "2025-03-01T10:30:00+01:00"})
    assert values["not_before"] == "2025-03-01T09:30"


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("{", "not valid JSON"),
        ("[1, 2]", "must be a JSON object"),
        ('{"batch_size": 5}', "batch_size: 5 is less than the minimum of 10"),
        ('{"regions": ["mars"]}', "regions: 0: 'mars' is not one of"),
        ('{"colour": "red"}', "no field for colour"),
        ('{"since": "tomorrow"}', 'since: its date picker cannot show "tomorrow"'),
        ('{"cutoff": "18:00:00+02:00"}', "cutoff: its time picker cannot show"),
    ],
)
def test_raw_json_the_form_cannot_show_is_refused_with_the_reason(raw: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        values_from_raw(SCHEMA, raw)


def test_raw_json_is_checked_against_the_params() -> None:
    assert conf_from_raw(SCHEMA, "") == {}
    assert conf_from_raw(SCHEMA, '{"colour": "red"}') == {"colour": "red"}, "extra keys pass"
    with pytest.raises(ValueError, match="dry_run: 'yes' is not of type 'boolean'"):
        conf_from_raw(SCHEMA, '{"dry_run": "yes"}')


def test_choices_are_ticked_and_unticked_in_order() -> None:
    text = toggled_choice('["eu"]', "apac", True)
    assert text == '["eu", "apac"]'
    assert toggled_choice(text, "eu", False) == '["apac"]'
    assert toggled_choice(text, "apac", True) == '["eu", "apac"]', "ticked once"
    assert chosen(form_fields(SCHEMA), {"regions": text}) == {"regions": ["eu", "apac"]}


def test_non_string_options_keep_their_type() -> None:
    schema = params_to_schema(
        {
            "level": {"value": 2, "schema": {"type": "integer", "enum": [1, 2, 3]}},
            "sizes": {"value": [], "schema": {"type": "array", "items": {"enum": [1, 5, None]}}},
        }
    )
    fields = {f["name"]: f for f in form_fields(schema)}
    assert (fields["level"]["kind"], fields["level"]["options"]) == ("enum", ["1", "2", "3"])
    assert fields["sizes"]["options"] == ["1", "5", "null"]
    conf, problems = conf_from_values(schema, {"level": "3", "sizes": '["5", "null"]'})
    assert (conf, problems) == ({"level": 3, "sizes": [5, None]}, {})
    assert values_from_conf(schema, conf) == {"level": "3", "sizes": '["5", "null"]'}


def test_untyped_and_many_typed_params() -> None:
    schema = params_to_schema(
        {
            "bare_flag": True,
            "either": {"value": 3, "schema": {"type": ["integer", "string"]}},
            "required_flag": {"schema": {"type": "boolean"}},
        }
    )
    fields = {f["name"]: f for f in form_fields(schema)}
    assert fields["bare_flag"]["kind"] == "switch" and fields["bare_flag"]["nullable"]
    assert fields["either"]["kind"] == "json"
    values = default_values(schema)
    assert values["required_flag"] == "false", "an unticked switch sends false"
    conf, problems = form_problems(schema, {**values, "either": '"three"'})
    assert (conf, problems) == ({"bare_flag": True, "either": "three", "required_flag": False}, {})


REPORT = params_to_schema(
    {
        "region": {
            "value": "eu",
            "schema": {"type": "string", "enum": ["eu", "us", "apac"]},
            "description": "Region",
        },
        "days": {"value": 7, "schema": {"type": "integer", "minimum": 1, "maximum": 31}},
        "email": {"value": None, "schema": {"type": ["null", "string"]}},
    }
)
"""parametrized_report's params: an enum, a bounded integer, an optional string."""


def test_an_enum_a_bounded_integer_and_an_optional_string() -> None:
    fields = {f["name"]: f for f in form_fields(REPORT)}
    assert (fields["region"]["kind"], fields["region"]["options"]) == ("enum", ["eu", "us", "apac"])
    assert (fields["days"]["kind"], fields["days"]["hint"]) == ("integer", "min 1 · max 31")
    assert (fields["days"]["default"], fields["email"]["default"]) == ("7", "")
    assert (fields["email"]["kind"], fields["email"]["nullable"]) == ("text", True)
    conf, problems = form_problems(REPORT, {"region": "us", "days": "12", "email": ""})
    assert (conf, problems) == ({"region": "us", "days": 12, "email": None}, {})
    # An option the enum lacks goes on as typed, for the schema to explain.
    conf, problems = form_problems(REPORT, {"region": "mars", "days": "40"})
    assert conf["region"] == "mars" and set(problems) == {"region", "days"}
