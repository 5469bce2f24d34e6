"""Connectors, pure: definitions checked field by field, paths, mapping with coercion, the
request after each page, secret placeholders and which hosts a connector may call."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import msgspec
import pytest
from hypothesis import given
from hypothesis import strategies as st

from airdeck_domain.connectors.addresses import (
    address_refusal,
    allow_list_problem,
    allowed,
    host_refusal,
)
from airdeck_domain.connectors.mapping import MappingError, coerce, map_pages
from airdeck_domain.connectors.pagination import (
    PageRequest,
    PaginationError,
    first_request,
    next_request,
)
from airdeck_domain.connectors.paths import MISSING, PathError, parse, pick, render
from airdeck_domain.connectors.spec import (
    ConnectorSpec,
    Cursor,
    Definition,
    Destination,
    FieldMap,
    LinkHeader,
    NoPages,
    PageNumber,
    Schedule,
    Source,
    describe,
    secret_variable,
    spec_version_of,
    table_of,
)
from airdeck_domain.connectors.templates import fill, secret_names
from airdeck_domain.connectors.validation import (
    cron_problem,
    definition_errors,
    slug_of,
    slug_problem,
)

FIELDS = [
    FieldMap(path="data[*].id", column="id", type="int"),
    FieldMap(path="data[*].user.email", column="email"),
]


def definition(**changes: Any) -> Definition:
    base = Definition(
        name="Users",
        source=Source(url="https://api.example.com/users"),
        mapping=FIELDS,
        destination=Destination(table="users"),
        schedule=Schedule(cron="*/15 * * * *", timezone="Europe/Paris"),
    )
    return msgspec.structs.replace(base, **changes)


def source(**changes: Any) -> Definition:
    return definition(source=msgspec.structs.replace(definition().source, **changes))


# -- validation -------------------------------------------------------------------------------


def test_a_sound_definition_has_no_errors() -> None:
    assert definition_errors(definition()) == {}


def test_a_definition_decodes_from_json_with_defaults() -> None:
    raw = (
        b'{"name": "x", "source": {"url": "https://a.example/x", "pagination": '
        b'{"kind": "cursor", "cursor_path": "next"}}, "mapping": [{"path": "id", '
        b'"column": "id"}], "destination": {"table": "t", "schema": "s", "kind": "postgres", '
        b'"conn_id": "pg"}, "schedule": {"cron": "@daily"}}'
    )
    decoded = msgspec.json.decode(raw, type=Definition)
    assert decoded.source.pagination == Cursor(cursor_path="next")
    assert decoded.destination.db_schema == "s"
    assert decoded.source.expected_status == [200]
    assert definition_errors(decoded) == {}


@pytest.mark.parametrize(
    ("cron", "bad"),
    [
        ("*/15 * * * *", False),
        ("@daily", False),
        ("0 0 * * * *", True),
        ("61 * * * *", True),
        ("every day", True),
        ("@sometimes", True),
    ],
)
def test_cron_must_be_five_fields_or_a_preset(cron: str, bad: bool) -> None:
    assert (cron_problem(cron) is not None) is bad


def test_invalid_cron_and_time_zone_are_reported_per_field() -> None:
    errors = definition_errors(definition(schedule=Schedule(cron="nope", timezone="Mars/Base")))
    assert set(errors) == {"schedule.cron", "schedule.timezone"}
    assert "five fields" in errors["schedule.cron"]
    assert "IANA" in errors["schedule.timezone"]


@pytest.mark.parametrize(
    ("url", "words"),
    [
        ("https://user:pw@api.example.com/x", "credentials"),
        ("https://token@api.example.com/x", "credentials"),
        ("ftp://api.example.com/x", "http://"),
        ("https:///x", "no host"),
        ("https://api.example.com:99999/x", "not a URL"),
        ("https://api.example.com/{{ secrets.k }}", "must not hold secrets"),
        ("http://127.0.0.1:8080/x", "local or private"),
        ("http://10.1.2.3/x", "local or private"),
        ("http://169.254.169.254/latest/meta-data", "local or private"),
        ("http://[::1]/x", "local or private"),
        ("http://localhost/x", "local or private"),
        ("http://metadata.google.internal/x", "local or private"),
    ],
)
def test_urls_with_credentials_or_local_hosts_are_refused(url: str, words: str) -> None:
    errors = definition_errors(source(url=url), secrets=["k"])
    assert words in errors["source.url"]


def test_an_admin_allow_list_lets_local_hosts_through() -> None:
    sound = source(url="http://127.0.0.1:8080/x")
    assert definition_errors(sound, allow_list=["127.0.0.0/8"]) == {}
    assert definition_errors(sound, allow_list=["127.0.0.1"]) == {}
    assert "source.url" in definition_errors(sound, allow_list=["10.0.0.0/8"])
    local = source(url="http://svc.internal/x")
    assert definition_errors(local, allow_list=["svc.internal"]) == {}


@pytest.mark.parametrize("name", ["X Api Key", "Bad:Name", "", "Ünïcode", "a\tb"])
def test_header_names_must_be_tokens(name: str) -> None:
    errors = definition_errors(source(headers={name: "v"}))
    assert "RFC 7230" in errors[f"source.headers.{name}"]


def test_header_values_and_framing_headers_are_checked() -> None:
    errors = definition_errors(
        source(headers={"X-Ok": "fine", "X-Split": "a\r\nInjected: 1", "Host": "evil"})
    )
    assert set(errors) == {"source.headers.X-Split", "source.headers.Host"}


def test_an_oversized_body_and_a_get_body_are_refused() -> None:
    big = source(method="POST", body="x" * (64 * 1024 + 1))
    assert "above the limit" in definition_errors(big)["source.body"]
    assert definition_errors(source(method="POST", body="x" * 100)) == {}
    assert "GET sends no body" in definition_errors(source(body="{}"))["source.body"]


@pytest.mark.parametrize("path", ["data[*].", "data[*][*].x", "data[x]", ".a", "a..b", "a b"])
def test_mapping_paths_that_do_not_parse_are_reported(path: str) -> None:
    errors = definition_errors(definition(mapping=[FieldMap(path=path, column="c")]))
    assert errors["mapping[0].path"].startswith(f"'{path}' ")


def test_fields_must_share_their_rows() -> None:
    mixed = [FieldMap(path="data[*].id", column="id"), FieldMap(path="items[*].x", column="x")]
    errors = definition_errors(definition(mapping=mixed))
    assert "same rows" in errors["mapping[1].path"]


@pytest.mark.parametrize(
    ("column", "words"),
    [("email", "collides with mapping[1]"), ("_airdeck_run_id", "Airdeck's own"), ("Bad", "")],
)
def test_column_collisions_and_bad_names_are_reported(column: str, words: str) -> None:
    fields = [*FIELDS, FieldMap(path="data[*].other", column=column)]
    errors = definition_errors(definition(mapping=fields))
    assert words in errors["mapping[2].column"]


def test_upsert_needs_mapped_key_columns() -> None:
    no_key = definition(destination=Destination(table="users", mode="upsert"))
    assert "key columns" in definition_errors(no_key)["destination.key"]
    unknown = definition(destination=Destination(table="users", mode="upsert", key=["nope"]))
    assert "nope" in definition_errors(unknown)["destination.key"]
    good = definition(destination=Destination(table="users", mode="upsert", key=["id"]))
    assert definition_errors(good) == {}
    append = definition(destination=Destination(table="users", key=["id"]))
    assert "upsert" in definition_errors(append)["destination.key"]


def test_destinations_are_checked_by_kind() -> None:
    postgres = definition(destination=Destination(table="users", kind="postgres"))
    assert "destination.conn_id" in definition_errors(postgres)
    product = definition(destination=Destination(table="users", conn_id="pg", db_schema="s"))
    assert set(definition_errors(product)) == {"destination.conn_id", "destination.schema"}
    bad_table = definition(destination=Destination(table="Users; drop"))
    assert "destination.table" in definition_errors(bad_table)


def test_secrets_must_be_given_for_every_placeholder() -> None:
    uses = source(
        headers={"Authorization": "Bearer {{ secrets.token }}"}, params={"k": "{{secrets.key}}"}
    )
    assert "key, token" in definition_errors(uses)["secrets"]
    assert definition_errors(uses, secrets=["token", "key"]) == {}
    assert "secrets.Bad" in definition_errors(definition(), secrets=["Bad"])


def test_pagination_settings_are_checked() -> None:
    clash = source(params={"page": "1"}, pagination=PageNumber())
    assert "fixed query parameter" in definition_errors(clash)["source.pagination.param"]
    rows = source(pagination=Cursor(cursor_path="items[*].next"))
    assert "no [*]" in definition_errors(rows)["source.pagination.cursor_path"]
    many = source(pagination=LinkHeader(max_pages=5000))
    assert "source.pagination.max_pages" in definition_errors(many)


def test_timeouts_and_statuses_are_bounded() -> None:
    errors = definition_errors(source(timeout_seconds=0.1, expected_status=[700]))
    assert set(errors) == {"source.timeout_seconds", "source.expected_status"}


@pytest.mark.parametrize(
    ("name", "slug"),
    [("Users API", "users_api"), ("  Über--feed!! ", "ber_feed"), ("9 lives", "c_9_lives")],
)
def test_slugs_come_from_names(name: str, slug: str) -> None:
    assert slug_of(name) == slug
    assert slug_problem(slug) is None


def test_a_slug_without_letters_is_refused() -> None:
    assert slug_problem(slug_of("!!!")) is not None


# -- paths and mapping -----------------------------------------------------------------------


def test_paths_split_into_rows_and_fields() -> None:
    path = parse('data[*].user["e.mail"][0]')
    assert path.rows == ("data",)
    assert path.field == ("user", "e.mail", 0)
    assert parse("[*].id").rows == ()
    assert parse("meta.total").rows is None
    assert render(path.field) == 'user["e.mail"][0]'


@given(st.lists(st.from_regex(r"[a-z_][a-z0-9_]{0,8}", fullmatch=True), min_size=1, max_size=5))
def test_dotted_names_parse_back_to_themselves(names: list[str]) -> None:
    text = ".".join(names)
    assert render(parse(text).field) == text


def test_pick_answers_missing_rather_than_failing() -> None:
    document = {"a": [{"b": 1}], "n": None}
    assert pick(document, ("a", 0, "b")) == 1
    assert pick(document, ("a", 5, "b")) is MISSING
    assert pick(document, ("a", "b")) is MISSING
    assert pick(document, ("n",)) is None


def test_parse_rejects_garbage_with_its_position() -> None:
    with pytest.raises(PathError, match="position 4"):
        parse("data!x")


def test_pages_map_to_typed_rows() -> None:
    pages = [
        {"data": [{"id": "1", "user": {"email": "a@x"}}, {"id": 2.0, "user": {"email": "b@x"}}]},
        {"data": [{"id": 3, "user": {"email": None}}]},
    ]
    fields = [*FIELDS[:1], FieldMap(path="data[*].user.email", column="email", default="none")]
    assert map_pages(fields, pages) == [
        {"id": 1, "email": "a@x"},
        {"id": 2, "email": "b@x"},
        {"id": 3, "email": "none"},
    ]


def test_a_whole_answer_can_be_one_row() -> None:
    rows = map_pages(
        [FieldMap(path="meta.count", column="n", type="int")], [{"meta": {"count": 4}}]
    )
    assert rows == [{"n": 4}]


@pytest.mark.parametrize(
    ("page", "words"),
    [
        ({"data": {"id": 1}}, "expected a list of rows at 'data', found an object"),
        ({"items": []}, "found nothing"),
        ({"data": [{"id": "x", "user": {"email": "a"}}]}, "cannot be read as int"),
        ({"data": [{"id": 1, "user": {}}]}, "nothing at 'data[*].user.email'"),
    ],
)
def test_schema_drift_fails_the_mapping_with_a_clear_message(page: Any, words: str) -> None:
    with pytest.raises(MappingError, match=r".*") as raised:
        map_pages(FIELDS, [page])
    assert words in str(raised.value)


@pytest.mark.parametrize(
    ("value", "type_", "expected"),
    [
        ("42", "int", 42),
        (7.0, "int", 7),
        ("1.5", "float", 1.5),
        ("yes", "bool", True),
        (0, "bool", False),
        ({"a": 1}, "string", '{"a": 1}'),
        (12, "string", "12"),
        ("2026-01-02T03:04:05Z", "timestamp", datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)),
        ("2026-01-02T03:04:05", "timestamp", datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)),
        (0, "timestamp", datetime(1970, 1, 1, tzinfo=UTC)),
        (None, "int", None),
    ],
)
def test_values_coerce_to_their_type(value: Any, type_: Any, expected: Any) -> None:
    assert coerce(value, type_) == expected


@pytest.mark.parametrize(
    ("value", "type_"),
    [(True, "int"), (1.5, "int"), ("maybe", "bool"), ("soon", "timestamp"), ([], "float")],
)
def test_values_of_another_type_do_not_coerce(value: Any, type_: Any) -> None:
    with pytest.raises(ValueError):
        coerce(value, type_)


# -- pagination ------------------------------------------------------------------------------


def test_no_pagination_is_one_request() -> None:
    src = Source(url="https://a.example/x", params={"q": "1"})
    first = first_request(src)
    assert first == PageRequest(url=src.url, params={"q": "1"}, number=1)
    assert next_request(src, first, {}, 10) is None


def test_page_numbers_go_on_until_an_empty_or_short_page() -> None:
    src = Source(url="https://a.example/x", pagination=PageNumber(size_param="per", size=2))
    first = first_request(src)
    assert first.params == {"page": "1", "per": "2"}
    second = next_request(src, first, {}, 2)
    assert second is not None and second.params == {"page": "2", "per": "2"} and second.number == 2
    assert next_request(src, second, {}, 1) is None
    unsized = Source(url="https://a.example/x", pagination=PageNumber(start=0))
    assert next_request(unsized, first_request(unsized), {}, 0) is None


def test_cursors_are_read_from_each_answer() -> None:
    src = Source(
        url="https://a.example/x", pagination=Cursor(cursor_path="meta.next", param="after")
    )
    first = first_request(src)
    second = next_request(src, first, {"meta": {"next": "abc"}}, 5)
    assert second is not None and second.params == {"after": "abc"}
    assert next_request(src, second, {"meta": {"next": None}}, 5) is None
    assert next_request(src, second, {"meta": {}}, 5) is None


def test_link_headers_are_followed_on_the_same_origin_only() -> None:
    src = Source(url="https://a.example/x?q=1", pagination=LinkHeader(max_pages=3))
    first = first_request(src)
    second = next_request(src, first, [], 1, "/x?q=1&page=2")
    assert second == PageRequest(url="https://a.example/x?q=1&page=2", params={}, number=2)
    assert next_request(src, second, [], 1, None) is None
    with pytest.raises(PaginationError, match="another origin"):
        next_request(src, second, [], 1, "https://evil.example/x")


def test_max_pages_ends_every_kind() -> None:
    src = Source(url="https://a.example/x", pagination=PageNumber(max_pages=2))
    second = next_request(src, first_request(src), {}, 5)
    assert second is not None
    assert next_request(src, second, {}, 5) is None


# -- templates, addresses, spec ----------------------------------------------------------------


def test_placeholders_name_secrets_and_fill_in() -> None:
    text = "Bearer {{ secrets.token }} / {{secrets.other}} / {{ page }}"
    assert secret_names([text, None]) == {"token", "other"}
    assert fill(text, {"token": "T", "other": "O"}) == "Bearer T / O / {{ page }}"
    with pytest.raises(KeyError):
        fill(text, {})


@pytest.mark.parametrize(
    ("entry", "ok"),
    [
        ("10.0.0.0/8", True),
        ("::1", True),
        ("svc.internal", True),
        ("a b", False),
        ("1.2.3.4/99", False),
    ],
)
def test_allow_list_entries_are_names_addresses_or_networks(entry: str, ok: bool) -> None:
    assert (allow_list_problem(entry) is None) is ok


def test_resolved_addresses_are_judged_against_the_allow_list() -> None:
    assert address_refusal("api.example.com", "93.184.216.34", []) is None
    assert "resolves to 10.0.0.5" in (address_refusal("api.example.com", "10.0.0.5", []) or "")
    assert address_refusal("api.example.com", "10.0.0.5", ["10.0.0.0/24"]) is None
    assert address_refusal("api.example.com", "10.0.0.5", ["api.example.com"]) is None
    assert address_refusal("h", "::ffff:127.0.0.1", []) is not None
    assert allowed("[::1]", ["::1"])
    assert host_refusal("api.example.com", []) is None


def test_the_spec_names_its_dag_table_and_secret_variables() -> None:
    spec = ConnectorSpec(
        connector_id="1",
        slug="users",
        version=3,
        deployment="default",
        definition=definition(),
        conn_id="airdeck_product_db",
        table=table_of(definition().destination),
    )
    assert spec.dag_id == "connector_users"
    assert spec.table == "connector_users"
    assert table_of(Destination(table="t", kind="postgres", conn_id="pg")) == "t"
    assert secret_variable("users", "token") == "airdeck_connector_secret__users__token"
    assert spec_version_of(describe(spec)) == 3
    assert spec_version_of("a DAG of someone else") is None
    assert spec_version_of(None) is None
    again = msgspec.json.decode(msgspec.json.encode(spec), type=ConnectorSpec)
    assert again == spec
    assert isinstance(again.definition.source.pagination, NoPages)


@given(
    url=st.text(max_size=40),
    header=st.text(max_size=10),
    path=st.text(max_size=20),
    column=st.text(max_size=10),
    cron=st.text(max_size=20),
    zone=st.text(max_size=20),
    table=st.text(max_size=10),
)
def test_any_text_gets_errors_not_exceptions(
    url: str, header: str, path: str, column: str, cron: str, zone: str, table: str
) -> None:
    odd = definition(
        source=Source(url=url, headers={header: "v"}, pagination=Cursor(cursor_path=path)),
        mapping=[FieldMap(path=path, column=column)],
        destination=Destination(table=table, mode="upsert", key=[column]),
        schedule=Schedule(cron=cron, timezone=zone),
    )
    assert isinstance(definition_errors(odd, secrets=[header]), dict)
