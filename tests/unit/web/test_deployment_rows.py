"""What the screens show of deployments: legible badges, health in words, and which deployment
the DAG list shows when the URL names one, none, or one the user may not see."""

from __future__ import annotations

import pytest

from airdeck_web.deployment_rows import (
    ALL_LABEL,
    NEUTRAL,
    badge,
    badge_fields,
    choices,
    health_line,
    settled_choice,
    text_color,
)

PROD = {
    "id": "prod",
    "name": "Production",
    "environment": "production",
    "color": "#c62828",
    "airflow_version": "3.3.2",
    "dag_count": 1,
    "health": {"reachable": True, "status": "healthy"},
}
DOWN = {
    "id": "old",
    "name": "Old",
    "color": "#ff0",
    "dag_count": None,
    "health": {"reachable": False, "status": "unhealthy", "message": "'old' is unreachable"},
}


@pytest.mark.parametrize(
    ("background", "text"),
    [("#000000", "#ffffff"), ("#ffffff", "#000000"), ("#c62828", "#ffffff"), ("#ff0", "#000000")],
)
def test_badge_text_is_the_more_legible_of_black_and_white(background: str, text: str) -> None:
    assert text_color(background) == text


def test_a_badge_shows_the_environment_else_the_name_on_the_colour() -> None:
    assert badge(PROD) == {
        "id": "prod",
        "label": "production",
        "color": "#c62828",
        "text": "#ffffff",
        "title": "Deployment Production",
    }
    assert badge({"id": "x"})["label"] == "x" and badge({"id": "x"})["color"] == NEUTRAL
    assert badge_fields([PROD], "prod")["badge_label"] == "production"
    assert badge_fields([PROD], "gone") == {
        "badge_label": "gone",
        "badge_color": NEUTRAL,
        "badge_text": "#ffffff",
        "badge_title": "Deployment gone",
    }


def test_a_health_line_says_how_the_deployment_is() -> None:
    up, down = health_line(PROD), health_line(DOWN)
    assert (up["status"], up["facts"], up["detail"]) == (
        "healthy",
        "Airflow 3.3.2 · 1 DAG",
        "healthy",
    )
    assert (down["status"], down["facts"], down["detail"]) == ("down", "", "'old' is unreachable")


@pytest.mark.parametrize(
    ("asked", "current", "ids", "shown"),
    [
        ("prod", "", ["prod", "old"], "prod"),
        ("*", "prod", ["prod", "old"], "*"),
        ("", "old", ["prod", "old"], "old"),
        ("hidden", "old", ["prod", "old"], "old"),
        ("", "", ["prod", "old"], "*"),
        ("", "gone", ["prod"], "prod"),
        ("", "", [], ""),
    ],
)
def test_the_list_shows_what_the_url_asks_if_it_may(
    asked: str, current: str, ids: list[str], shown: str
) -> None:
    assert settled_choice(asked, current, ids) == shown


def test_all_deployments_is_the_first_choice() -> None:
    assert choices([PROD, DOWN]) == [["*", ALL_LABEL], ["prod", "Production"], ["old", "Old"]]
