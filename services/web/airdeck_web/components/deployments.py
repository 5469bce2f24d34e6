"""Deployments on screen: the switcher in the top bar, a deployment's badge (its environment
label on its colour), and each deployment's health on the dashboard."""

from __future__ import annotations

from typing import Any

import reflex as rx

from airdeck_web.states.deployments import DeploymentsState

STATUS_COLORS = {
    "healthy": "#2e7d32",
    "degraded": "#f9a825",
    "unhealthy": "#c62828",
    "down": "#c62828",
    "unknown": "#9e9e9e",
}


def deployment_badge(
    label: Any, color: Any, text: Any, title: Any, deployment: Any
) -> rx.Component:
    """A deployment's badge: ``label`` in ``text`` colour on ``color``, ``title`` on hover."""
    return rx.box(
        label,
        background=color,
        color=text,
        padding="0 6px",
        border_radius="4px",
        font_size="11px",
        line_height="18px",
        display="inline-block",
        white_space="nowrap",
        title=title,
        class_name="deployment-badge",
        data_deployment=deployment,
    )


def row_badge(dag: Any) -> rx.Component:
    """The badge of the deployment a row of the DAG list is in."""
    return deployment_badge(
        dag["badge_label"],
        dag["badge_color"],
        dag["badge_text"],
        dag["badge_title"],
        dag["deployment"],
    )


def page_badge() -> rx.Component:
    """The badge of the deployment a DAG or run page shows (nothing before it is known)."""
    # mypy resolves a dict state var to an ArrayVar (the wrong overload of Field.__get__);
    # Reflex makes it an ObjectVar, whose lookups by name are what is wanted here.
    current: Any = DeploymentsState.current_badge
    return rx.box(
        rx.cond(
            DeploymentsState.knows_current,
            deployment_badge(
                current["label"], current["color"], current["text"], current["title"], current["id"]
            ),
        ),
        id="page-deployment",
    )


def deployment_switcher() -> rx.Component:
    """Which deployment the DAG list shows, "All deployments" first; there only when the user
    may see more than one."""
    switcher: rx.Component = rx.cond(
        DeploymentsState.summaries.length() > 1,
        rx.select.root(
            rx.select.trigger(placeholder="Deployment", id="deployment-switcher"),
            rx.select.content(
                rx.foreach(
                    DeploymentsState.switcher_choices,
                    lambda choice: rx.select.item(
                        choice[1], value=choice[0], class_name="deployment-choice"
                    ),
                )
            ),
            value=DeploymentsState.choice,
            on_change=DeploymentsState.choose,
            size="1",
        ),
    )
    return switcher


def _health_line(line: Any) -> rx.Component:
    return rx.tooltip(
        rx.hstack(
            rx.box(
                width="10px",
                height="10px",
                border_radius="50%",
                background=rx.match(line["status"], *list(STATUS_COLORS.items()), "#9e9e9e"),
            ),
            rx.text(line["name"], size="2", weight="medium"),
            deployment_badge(line["label"], line["color"], line["text"], line["title"], line["id"]),
            rx.text(line["status"], size="1", class_name="deployment-status"),
            rx.text(line["facts"], size="1", color_scheme="gray"),
            align="center",
            spacing="2",
            class_name="deployment-health",
            data_deployment=line["id"],
            data_status=line["status"],
        ),
        content=line["detail"],
    )


def deployments_health() -> rx.Component:
    """Each deployment the user may see, with how it is doing; the error when they could not
    be read."""
    return rx.vstack(
        rx.cond(
            DeploymentsState.deployments_error != "",
            rx.text(DeploymentsState.deployments_error, size="1", color_scheme="red"),
        ),
        rx.hstack(rx.foreach(DeploymentsState.lines, _health_line), spacing="5", wrap="wrap"),
        id="deployments-health",
        spacing="1",
        margin_y="8px",
    )
