"""/workflows/[dag_id]: a DAG's overview, runs, graph and details, and the trigger dialog."""

from __future__ import annotations

from typing import Any

import reflex as rx

from airdeck_web.components.badges import state_badge
from airdeck_web.components.graph import graph_view
from airdeck_web.components.layout import layout
from airdeck_web.components.overview import overview_tab
from airdeck_web.components.tables import data_table
from airdeck_web.components.times import relative_time
from airdeck_web.states.dag import RUNS_PAGE, DagState

# mypy resolves an rx.Field[dict] state var to an ArrayVar (it picks the wrong overload of
# Field.__get__); Reflex makes it an ObjectVar, so its lookups carry a type: ignore.


def field_input(field: Any) -> rx.Component:
    name = field["name"].to(str)
    return rx.vstack(
        rx.text(field["name"], weight="bold", size="2"),
        rx.cond(
            field["kind"] == "enum",
            rx.select(
                field["options"].to(list[str]),
                value=DagState.values.get(name, ""),  # type: ignore[attr-defined]
                on_change=lambda v: DagState.set_value(name, v),
                name=name,
            ),
            rx.input(
                value=DagState.values.get(name, ""),  # type: ignore[attr-defined]
                on_change=lambda v: DagState.set_value(name, v),
                type=rx.cond(
                    (field["kind"] == "integer") | (field["kind"] == "number"), "number", "text"
                ),
                id="field-" + name,
                width="100%",
            ),
        ),
        rx.text(field["description"], " ", field["bounds"], size="1", color_scheme="gray"),
        rx.cond(
            DagState.field_errors.contains(name),
            rx.text(
                DagState.field_errors.get(name, ""),  # type: ignore[attr-defined]
                color_scheme="red",
                size="1",
                class_name="field-error",
                id="error-" + name,
            ),
        ),
        width="100%",
        spacing="1",
    )


def trigger_dialog() -> rx.Component:
    return rx.dialog.root(
        rx.dialog.content(
            rx.dialog.title("Trigger ", DagState.dag_id),
            rx.hstack(
                rx.switch(
                    checked=DagState.raw_mode, on_change=DagState.set_raw_mode, id="raw-mode"
                ),
                rx.text("Raw JSON", size="2"),
                rx.spacer(),
                rx.cond(
                    DagState.configs.length() > 0,
                    rx.select.root(
                        rx.select.trigger(placeholder="Saved configs"),
                        rx.select.content(
                            rx.foreach(
                                DagState.configs, lambda c: rx.select.item(c["name"], value=c["id"])
                            )
                        ),
                        on_change=DagState.use_config,
                    ),
                ),
                align="center",
                margin_y="8px",
            ),
            rx.cond(
                DagState.raw_mode,
                rx.text_area(
                    value=DagState.raw_conf,
                    on_change=DagState.set_raw_conf,
                    rows="8",
                    font_family="monospace",
                    width="100%",
                    id="raw-conf",
                ),
                rx.vstack(rx.foreach(DagState.fields, field_input), width="100%", spacing="3"),
            ),
            rx.form(
                rx.hstack(
                    rx.input(
                        placeholder="Save as… (config name)", name="config_name", id="config-name"
                    ),
                    rx.button(
                        "Save config", size="1", variant="soft", type="submit", id="save-config"
                    ),
                ),
                on_submit=DagState.save_config,
                reset_on_submit=True,
                margin_top="12px",
            ),
            rx.input(
                placeholder="Note (optional)",
                value=DagState.note,
                on_change=DagState.set_note,
                margin_top="12px",
                width="100%",
            ),
            rx.cond(
                DagState.trigger_error != "",
                rx.callout(
                    DagState.trigger_error,
                    color_scheme="red",
                    margin_top="12px",
                    id="trigger-error",
                ),
            ),
            rx.hstack(
                rx.button(
                    "Cancel", variant="soft", color_scheme="gray", on_click=DagState.close_trigger
                ),
                rx.button("Trigger", on_click=DagState.submit_trigger, id="submit-trigger"),
                justify="end",
                margin_top="16px",
            ),
            max_width="520px",
        ),
        open=DagState.dialog_open,
        on_open_change=lambda open_: rx.cond(open_, DagState.open_trigger, DagState.close_trigger),
    )


def run_row(run: Any) -> rx.Component:
    return rx.table.row(
        rx.table.cell(
            rx.link(
                run["run_id"],
                href="/workflows/" + DagState.dag_id + "/runs/" + run["run_id"].to(str),
                class_name="run-link",
            )
        ),
        rx.table.cell(state_badge(run["state"])),
        rx.table.cell(relative_time(run["started"], run["started_exact"])),
        rx.table.cell(run["took"]),
        rx.table.cell(run["run_type"]),
        class_name="run-row",
    )


def runs_tab() -> rx.Component:
    return rx.vstack(
        rx.hstack(
            rx.select(
                ["all", "running", "queued", "success", "failed"],
                value=DagState.run_state,
                on_change=DagState.set_run_state,
            ),
            rx.text(DagState.runs_total, " runs", size="2"),
            align="center",
        ),
        rx.cond(
            DagState.runs.length() > 0,
            data_table(("Run", "State", "Started", "Duration", "Type"), DagState.runs, run_row),
            rx.center(
                rx.text(
                    rx.cond(
                        DagState.run_state == "all",
                        "No runs yet.",
                        "No runs in this state.",
                    ),
                    color_scheme="gray",
                ),
                padding="24px",
                width="100%",
                id="runs-empty",
            ),
        ),
        rx.hstack(
            rx.button(
                "Previous",
                variant="soft",
                on_click=DagState.go_to_runs_page((DagState.runs_page - 1).to(int)),
                disabled=DagState.runs_page <= 1,
            ),
            rx.text("Page ", DagState.runs_page),
            rx.button(
                "Next",
                variant="soft",
                on_click=DagState.go_to_runs_page((DagState.runs_page + 1).to(int)),
                disabled=DagState.runs_page * RUNS_PAGE >= DagState.runs_total,
            ),
        ),
        width="100%",
    )


def details_tab() -> rx.Component:
    return rx.vstack(
        rx.text(
            "Environment: ",
            rx.cond(DagState.dag["environment"], DagState.dag["environment"].to(str), "—"),  # type: ignore[call-overload]
        ),
        rx.text(
            "Owner team: ",
            rx.cond(DagState.dag["owner_team"], DagState.dag["owner_team"].to(str), "—"),  # type: ignore[call-overload]
        ),
        rx.text("File: ", DagState.dag["file_path"].to(str)),  # type: ignore[call-overload]
        rx.cond(
            DagState.can_edit_metadata,
            rx.form(
                rx.hstack(
                    rx.input(
                        name="environment",
                        placeholder="environment",
                        default_value=DagState.dag.get("environment", ""),  # type: ignore[attr-defined]
                    ),
                    rx.input(
                        name="owner_team",
                        placeholder="owner team",
                        default_value=DagState.dag.get("owner_team", ""),  # type: ignore[attr-defined]
                    ),
                    rx.input(
                        name="custom_tags",
                        placeholder="custom tags, comma-separated",
                        default_value=DagState.custom_tags_text,
                    ),
                    rx.button("Save metadata", type="submit", size="2"),
                    rx.text(DagState.metadata_message, size="1"),
                    align="center",
                ),
                on_submit=DagState.save_metadata,
                id="metadata-form",
            ),
        ),
        rx.heading("Params", size="3"),
        rx.code_block(DagState.params_json, language="json", width="100%"),
        rx.heading("Documentation", size="3"),
        rx.markdown(DagState.doc),
        align="start",
        width="100%",
    )


def dag_page() -> rx.Component:
    return layout(
        rx.cond(
            DagState.error != "", rx.callout(DagState.error, color_scheme="red", id="dag-error")
        ),
        rx.hstack(
            rx.link("← DAGs", href="/workflows"),
            rx.heading(DagState.title, size="7", id="dag-title"),
            rx.cond(
                DagState.shows_dag_id,
                rx.code(DagState.dag_id, variant="ghost", color_scheme="gray", id="dag-id"),
            ),
            rx.spacer(),
            rx.cond(
                DagState.can_trigger,
                rx.button("▶ Trigger", on_click=DagState.open_trigger, id="open-trigger"),
            ),
            align="center",
        ),
        rx.text(DagState.dag.get("description", ""), color_scheme="gray"),  # type: ignore[attr-defined]
        rx.hstack(
            *[
                rx.hstack(
                    rx.icon(icon, size=14),
                    rx.text(DagState.header_facts[fact], size="2"),
                    align="center",
                    spacing="1",
                    title=title,
                )
                for icon, fact, title in (
                    ("clock", "schedule", "Schedule"),
                    ("user", "owners", "Owners"),
                    ("tag", "tags", "Tags"),
                    ("globe", "environment", "Environment"),
                )
            ],
            spacing="4",
            wrap="wrap",
            id="dag-facts",
        ),
        rx.tabs.root(
            rx.tabs.list(
                rx.tabs.trigger("Overview", value="overview"),
                rx.tabs.trigger("Runs", value="runs"),
                rx.tabs.trigger("Graph", value="graph"),
                rx.tabs.trigger("Details", value="details"),
            ),
            rx.tabs.content(overview_tab(), value="overview", padding_top="12px"),
            rx.tabs.content(runs_tab(), value="runs", padding_top="12px"),
            rx.tabs.content(
                graph_view(
                    DagState.structure_nodes,
                    DagState.structure_edges,
                    DagState.click_structure_node,
                    DagState.structure_key,
                    DagState.structure_dag == DagState.dag_id,
                ),
                value="graph",
                padding_top="12px",
            ),
            rx.tabs.content(details_tab(), value="details", padding_top="12px"),
            value=DagState.tab,
            on_change=DagState.set_tab,
            margin_top="16px",
        ),
        trigger_dialog(),
    )
