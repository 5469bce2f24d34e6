"""/audit: who did what, when, and how it ended, with filters, pages and a CSV export."""

from __future__ import annotations

from typing import Any, Literal

import reflex as rx

from airdeck_web.components.fields import field_label
from airdeck_web.components.layout import layout
from airdeck_web.components.tables import data_table
from airdeck_web.states.audit import OUTCOMES, AuditState

OUTCOME_COLORS = {"success": "green", "failure": "red", "pending": "gray", "refused": "orange"}


def _row(entry: Any) -> rx.Component:
    return rx.table.row(
        rx.table.cell(rx.text(entry["when"], size="1", white_space="nowrap")),
        rx.table.cell(entry["user"]),
        rx.table.cell(rx.code(entry["action"])),
        rx.table.cell(
            rx.badge(
                entry["outcome"],
                color_scheme=rx.match(entry["outcome"], *OUTCOME_COLORS.items(), "gray"),
                variant="soft",
                high_contrast=True,
            ),
            " ",
            rx.text(entry["status"], size="1", color_scheme="gray", as_="span"),
        ),
        rx.table.cell(
            rx.cond(
                entry["dag_href"] != "",
                rx.link(entry["dag_id"], href=entry["dag_href"]),
                rx.text("—"),
            ),
            rx.text(entry["run_id"], size="1", color_scheme="gray"),
        ),
        rx.table.cell(
            rx.text(entry["reason"], size="1"),
            rx.text(
                entry["details"],
                size="1",
                color_scheme="gray",
                title=entry["details_full"],
                font_family="monospace",
                word_break="break-all",
            ),
        ),
        class_name="audit-row",
        data_outcome=entry["outcome"],
    )


def _field(name: str, label: str, kind: Literal["text", "datetime-local"] = "text") -> rx.Component:
    return rx.vstack(
        field_label(label, f"audit-{name}"),
        rx.input(name=name, id=f"audit-{name}", type=kind, size="2"),
        spacing="1",
    )


def _filters() -> rx.Component:
    return rx.form(
        rx.hstack(
            _field("user", "User"),
            _field("action", "Action"),
            _field("dag_id", "DAG"),
            rx.vstack(
                rx.text("Outcome", size="1", color_scheme="gray"),
                rx.select(
                    list(OUTCOMES),
                    name="outcome",
                    default_value="any",
                    id="audit-outcome",
                    custom_attrs={"aria-label": "Outcome"},
                ),
                spacing="1",
            ),
            _field("since", "Since (UTC)", "datetime-local"),
            _field("until", "Until (UTC)", "datetime-local"),
            rx.button("Filter", type="submit", variant="soft", id="audit-filter"),
            align="end",
            spacing="2",
            flex_wrap="wrap",
        ),
        on_submit=AuditState.apply_filters,
    )


def _pager() -> rx.Component:
    return rx.hstack(
        rx.button(
            "Previous",
            on_click=AuditState.step(-1),
            disabled=AuditState.page <= 1,
            variant="soft",
            id="audit-previous",
        ),
        rx.text("Page ", AuditState.page, " of ", AuditState.pages, size="2", id="audit-page"),
        rx.button(
            "Next",
            on_click=AuditState.step(1),
            disabled=AuditState.page >= AuditState.pages,
            variant="soft",
            id="audit-next",
        ),
        align="center",
    )


def audit_page() -> rx.Component:
    """The audit log, newest first; a person without ``audit:read`` is told so."""
    return layout(
        rx.vstack(
            rx.hstack(
                rx.heading("Audit log", size="6"),
                rx.text(AuditState.total, " entries", color_scheme="gray", id="audit-total"),
                rx.spacer(),
                rx.button(
                    rx.icon("download", size=16),
                    "Export CSV",
                    on_click=AuditState.export,
                    variant="soft",
                    id="audit-export",
                ),
                width="100%",
                align="center",
            ),
            _filters(),
            rx.cond(
                AuditState.error != "",
                rx.callout(
                    AuditState.error, color_scheme="red", icon="triangle_alert", id="audit-error"
                ),
            ),
            rx.cond(
                AuditState.notice != "", rx.text(AuditState.notice, size="1", id="audit-notice")
            ),
            data_table(
                ["When (UTC)", "User", "Action", "Outcome", "DAG · run", "Reason · details"],
                AuditState.entries,
                _row,
                id="audit-table",
            ),
            _pager(),
            spacing="3",
            width="100%",
        )
    )
