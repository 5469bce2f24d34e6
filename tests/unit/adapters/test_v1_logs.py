"""Airflow 2's log answers brought to Airflow 3's events: the shapes a real 2.11 sends (the
integration suite reads them from one), and the token forms it sends only now and then."""

from __future__ import annotations

import base64
import json
import zlib

from airdeck_adapters.airflow import v1_logs


def token(metadata: dict[str, object], *, compressed: bool = False) -> str:
    """A continuation token as Airflow 2 signs one (itsdangerous: payload, dot, signature)."""
    raw = json.dumps(metadata, separators=(",", ":")).encode()
    if compressed:
        raw = zlib.compress(raw)
    payload = base64.urlsafe_b64encode(raw).decode().rstrip("=")
    return ("." if compressed else "") + payload + ".c2lnbmF0dXJl"


def test_lines_become_events_with_level_time_and_source() -> None:
    text = (
        " INFO - ::group::Log message source details\n"
        "*** Found local files:\n"
        "[2026-12-02T09:59:46.846+0000] {report.py:58} WARNING - slow: 3 s\n"
        "Traceback (most recent call last):"
    )
    assert v1_logs.events(repr([("host", text)])) == [
        {"event": "::group::Log message source details", "level": "info"},
        {"event": "*** Found local files:"},
        {
            "event": "slow: 3 s",
            "level": "warning",
            "timestamp": "2026-12-02T09:59:46.846+0000",
            "logger": "report.py:58",
        },
        {"event": "Traceback (most recent call last):"},
    ]


def test_a_continued_answer_drops_the_newline_that_ended_the_last_line() -> None:
    content = repr([("host", "\n[2026-12-02T10:00:00.000+0000] {t.py:1} INFO - tick 2")])
    assert [e["event"] for e in v1_logs.events(content, continued=True)] == ["tick 2"]
    assert [e["event"] for e in v1_logs.events(content)] == ["", "tick 2"]


def test_content_that_is_not_host_pairs_is_read_as_text() -> None:
    assert v1_logs.events("plain text\nsecond") == [{"event": "plain text"}, {"event": "second"}]


def test_the_token_says_whether_the_log_ended() -> None:
    assert v1_logs.finished(token({"end_of_log": True, "log_pos": 2772}))
    assert not v1_logs.finished(token({"end_of_log": False, "log_pos": 10}))
    assert v1_logs.finished(
        token({"end_of_log": True, "log_pos": 9, "x": "y" * 80}, compressed=True)
    )


def test_an_unreadable_token_counts_as_unfinished() -> None:
    assert not v1_logs.finished("not a token")
    assert not v1_logs.finished("%%%.sig")
    assert not v1_logs.finished(token({"log_pos": 3}))
