"""What the run's action dialogs say: the preview's rows (failed first) and each refusal in
plain words before the API's own sentence."""

from __future__ import annotations

import pytest

from airdeck_web.api_client import ApiError
from airdeck_web.rows import preview_rows
from airdeck_web.states.run_actions import refusal


def test_a_preview_lists_failed_instances_first_and_keeps_the_rest_in_order() -> None:
    rows = preview_rows(
        [
            {"task_id": "make_items", "state": "success"},
            {"task_id": "process", "map_index": 0, "state": None},
            {"task_id": "process", "map_index": 7, "state": "failed"},
            {"task_id": "summarize", "map_index": -1, "state": "upstream_failed"},
            {"task_id": "report", "state": "skipped"},
        ]
    )
    assert rows == [
        {"task_id": "process", "map_index": "7", "state": "failed"},
        {"task_id": "summarize", "map_index": "", "state": "upstream_failed"},
        {"task_id": "make_items", "map_index": "", "state": "success"},
        {"task_id": "process", "map_index": "0", "state": "none"},
        {"task_id": "report", "map_index": "", "state": "skipped"},
    ]


@pytest.mark.parametrize(
    ("status", "reason"),
    [
        (400, "the request was refused as not valid"),
        (403, "your role may not do this on this DAG"),
        (409, "it conflicts with what the run is doing now"),
        (503, "nothing was changed; try again in a moment"),
    ],
)
def test_a_refusal_says_why_in_plain_words_then_the_apis_detail(status: int, reason: str) -> None:
    problem = ApiError(status, "Airflow deployment 'default' said so.")
    assert refusal("mark the run failed", problem) == (
        f"Could not mark the run failed: {reason}. Airflow deployment 'default' said so."
    )


def test_a_refusal_of_another_status_gives_the_apis_detail_alone() -> None:
    problem = ApiError(500, "Internal error.")
    assert refusal("save the note", problem) == "Could not save the note. Internal error."
