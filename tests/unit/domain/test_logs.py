"""Airflow 3 structured log events → lines; ANSI colours → segments; search."""

from __future__ import annotations

from airdeck_domain.logs import parse_events, readable_lines, search, segments

EVENTS = [
    {"event": "::group::Log message source details"},
    {"event": "/opt/airflow/logs/dag_id=x/attempt=1.log"},
    {"event": "::endgroup::"},
    {"timestamp": "2026-11-23T23:35:21.495544Z", "event": "::group::Pre Execute", "level": "info"},
    {
        "timestamp": "2026-11-23T23:35:21.6Z",
        "event": "tick 1 of 3",
        "level": "info",
        "logger": "task",
    },
    {"event": "::endgroup::", "level": "info"},
    {
        "event": "Task failed with exception",
        "level": "error",
        "error_detail": [
            {
                "exc_type": "ValueError",
                "exc_value": "boom",
                "frames": [{"filename": "dag.py", "lineno": 7, "name": "run"}],
            }
        ],
    },
]


def test_events_become_lines_with_groups_and_errors() -> None:
    lines = parse_events(EVENTS)
    assert [(line.text, line.group) for line in lines] == [
        ("Pre Execute", "start"),
        ("tick 1 of 3", None),
        ("", "end"),
        ("Task failed with exception", None),
        ('  File "dag.py", line 7, in run', None),
        ("ValueError: boom", None),
    ]
    assert lines[1].logger == "task" and lines[1].level == "info"
    assert lines[1].timestamp is not None and lines[1].timestamp.microsecond == 600000
    assert all("/opt/airflow" not in line.text for line in lines), "host paths stay hidden"


def test_plain_string_logs_split_into_lines() -> None:
    assert [line.text for line in parse_events(["a\nb", "c"])] == ["a", "b", "c"]


def test_ansi_segments() -> None:
    parts = segments("\x1b[31mred\x1b[0m plain \x1b[1;32mgreen\x1b[0m")
    assert [(p.text, p.color, p.bold) for p in parts] == [
        ("red", "#800000", False),
        (" plain ", None, False),
        ("green", "#008000", True),
    ]


def test_search_ignores_case_and_ansi() -> None:
    lines = parse_events(["no", "a \x1b[1mTick\x1b[0m here", "TICK"])
    assert search(lines, "tick") == [1, 2]
    assert search(lines, "tick", case_sensitive=True) == []
    assert search(lines, "") == []


KEY_EVENTS: list[dict[str, str] | str] = [
    {
        "event": "loaded deploy key:\n-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEF\n"
        "AASCBKcwggSjAgEAAoIBAQC7VJTU\n-----END PRIVATE KEY-----"
    },
    {"event": "-----BEGIN RSA PRIVATE KEY-----", "logger": "task.stdout"},
    {"event": "MIIEowIBAAKCAQEAu1SU1LfVLPHC", "logger": "task.stdout"},
    {"event": "::group::Post Execute", "logger": "task"},
    {"event": "ozMxH2mo4MgAU8dXKnbDvbM3yOrX", "logger": "task.stdout"},
    {"event": "-----END RSA PRIVATE KEY-----", "logger": "task.stdout"},
    {"event": "password=hunter22 done"},
]
KEY_BODY = ("MIIEvQ", "AASCBK", "MIIEow", "ozMxH2")


def test_readable_lines_mask_keys_across_lines_and_pieces() -> None:
    whole, key_open = readable_lines(KEY_EVENTS)
    texts = [line.text for line in whole]
    assert not key_open
    assert not [t for t in texts if any(part in t for part in KEY_BODY) or "PRIVATE" in t]
    assert texts[0] == "loaded deploy key:" and texts[-1] == "password=*** done"
    assert ("Post Execute", "start") in [(line.text, line.group) for line in whole]
    for cut in range(len(KEY_EVENTS) + 1):
        first, key_open = readable_lines(KEY_EVENTS[:cut])
        second, _ = readable_lines(KEY_EVENTS[cut:], key_open=key_open)
        assert first + second == whole, f"split after event {cut}"
