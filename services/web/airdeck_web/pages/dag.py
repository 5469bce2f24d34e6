"""/workflows/[dag_id]: a DAG's overview, grid, runs, graph, details, backfills and versions,
and the trigger dialog."""

from __future__ import annotations

from typing import Any

import reflex as rx

from airdeck_web.components.alerts import alert_badge
from airdeck_web.components.backfill import backfills_tab
from airdeck_web.components.badges import state_badge
from airdeck_web.components.deployments import page_badge
from airdeck_web.components.graph import graph_view
from airdeck_web.components.grid import grid_tab
from airdeck_web.components.layout import layout
from airdeck_web.components.overview import overview_tab
from airdeck_web.components.tables import data_table
from airdeck_web.components.times import relative_time
from airdeck_web.components.trigger_form import field_input, raw_editor
from airdeck_web.components.versions import versions_tab
from airdeck_web.states.backfill import BackfillState
from airdeck_web.states.dag import RUNS_PAGE, DagState
from airdeck_web.states.grid import GridState
from airdeck_web.states.metadata import MetadataState
from airdeck_web.states.trigger import TriggerState
from airdeck_web.states.versions import VersionsState

# mypy resolves an rx.Field[dict] state var to an ArrayVar (it picks the wrong overload of
# Field.__get__); Reflex makes it an ObjectVar, so its lookups carry a type: ignore.


def trigger_dialog() -> rx.Component:
    return rx.dialog.root(
        rx.dialog.content(
            rx.dialog.title("Trigger ", DagState.dag_id),
            rx.hstack(
                rx.switch(
                    checked=TriggerState.raw_mode,
                    on_change=TriggerState.set_raw_mode,
                    id="raw-mode",
                    aria_label="Raw JSON",
                ),
                rx.text("Raw JSON", size="2"),
                rx.spacer(),
                rx.cond(
                    TriggerState.configs.length() > 0,
                    rx.select.root(
                        rx.select.trigger(placeholder="Saved configs"),
                        rx.select.content(
                            rx.foreach(
                                TriggerState.configs,
                                lambda c: rx.select.item(c["name"], value=c["id"]),
                            )
                        ),
                        on_change=TriggerState.use_config,
                    ),
                ),
                align="center",
                margin_y="8px",
            ),
            rx.cond(
                TriggerState.raw_mode,
                raw_editor(),
                rx.vstack(rx.foreach(TriggerState.fields, field_input), width="100%", spacing="4"),
            ),
            rx.form(
                rx.hstack(
                    rx.input(
                        placeholder="Save as… (config name)", name="config_name", id="config-name"
                    ),
                    rx.checkbox("Shared", name="shared", size="1", id="config-shared"),
                    rx.button(
                        "Save config", size="1", variant="soft", type="submit", id="save-config"
                    ),
                ),
                on_submit=TriggerState.save_config,
                reset_on_submit=True,
                margin_top="12px",
            ),
            rx.input(
                placeholder="Note (optional)",
                value=TriggerState.note,
                on_change=TriggerState.set_note,
                margin_top="12px",
                width="100%",
            ),
            rx.cond(
                TriggerState.trigger_error != "",
                rx.callout(
                    TriggerState.trigger_error,
                    color_scheme="red",
                    margin_top="12px",
                    id="trigger-error",
                ),
            ),
            rx.hstack(
                rx.button(
                    "Cancel",
                    variant="soft",
                    color_scheme="gray",
                    on_click=TriggerState.close_trigger,
                ),
                rx.button("Trigger", on_click=TriggerState.submit_trigger, id="submit-trigger"),
                justify="end",
                margin_top="16px",
            ),
            max_width="520px",
        ),
        open=TriggerState.dialog_open,
        on_open_change=lambda open_: rx.cond(
            open_, TriggerState.open_trigger, TriggerState.close_trigger
        ),
    )


def run_row(run: Any) -> rx.Component:
    return rx.table.row(
        rx.table.cell(
            rx.link(
                run["run_id"],
                href="/workflows/" + DagState.dag_id + "/runs/" + run["run_id"],
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
            rx.text(DagState.runs_total, " runs", size="2", id="runs-total"),
            rx.spacer(),
            rx.form(
                rx.hstack(
                    rx.input(
                        name="conf",
                        placeholder="conf: region=apac days=3",
                        default_value=DagState.conf_search,
                        aria_label="Find runs by their conf",
                        id="conf-search",
                        width="260px",
                    ),
                    rx.button("Find", type="submit", variant="soft", id="conf-search-submit"),
                    spacing="2",
                ),
                on_submit=DagState.search_conf,
            ),
            align="center",
            width="100%",
        ),
        rx.cond(
            DagState.conf_error != "",
            rx.callout(DagState.conf_error, color_scheme="red", size="1", id="conf-search-error"),
        ),
        rx.cond(
            DagState.conf_search != "",
            rx.text(
                "Runs triggered through Airdeck with this conf.",
                size="1",
                color_scheme="gray",
            ),
        ),
        rx.cond(
            DagState.runs.length() > 0,
            data_table(("Run", "State", "Started", "Duration", "Type"), DagState.runs, run_row),
            rx.center(
                rx.text(
                    rx.cond(
                        DagState.conf_search != "",
                        "No runs with this conf.",
                        rx.cond(
                            DagState.run_state == "all",
                            "No runs yet.",
                            "No runs in this state.",
                        ),
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


def config_row(config: Any) -> rx.Component:
    """A saved config: rename it, share or unshare it, delete it, or run with it."""
    return rx.table.row(
        rx.table.cell(
            rx.form(
                rx.hstack(
                    rx.el.input(type="hidden", name="config_id", value=config["id"]),
                    rx.input(
                        name="name",
                        default_value=config["name"],
                        size="1",
                        aria_label="Config name",
                        class_name="config-name",
                    ),
                    rx.button("Rename", size="1", variant="ghost", type="submit"),
                    align="center",
                ),
                on_submit=TriggerState.rename_config,
            )
        ),
        rx.table.cell(rx.code(config["conf"].to_string(), size="1")),
        rx.table.cell(config["created_by"]),
        rx.table.cell(
            rx.switch(
                checked=config["shared"],
                on_change=lambda shared: TriggerState.share_config(config["id"], shared),
                size="1",
                class_name="config-shared",
                aria_label="Shared",
            )
        ),
        rx.table.cell(
            rx.hstack(
                rx.cond(
                    DagState.can_trigger,
                    rx.button(
                        "Run with this config",
                        size="1",
                        variant="soft",
                        on_click=TriggerState.run_config(config["id"]),
                        class_name="config-run",
                    ),
                ),
                rx.button(
                    "Delete",
                    size="1",
                    variant="soft",
                    color_scheme="red",
                    on_click=TriggerState.delete_config(config["id"]),
                    class_name="config-delete",
                ),
            )
        ),
        class_name="config-row",
        data_name=config["name"],
    )


def configs_section() -> rx.Component:
    """The DAG's saved configs this person sees (their own and the shared ones)."""
    return rx.vstack(
        rx.heading("Saved configs", size="3"),
        rx.cond(
            TriggerState.config_message != "",
            rx.callout(
                TriggerState.config_message, color_scheme="red", size="1", id="config-message"
            ),
        ),
        rx.cond(
            TriggerState.configs.length() > 0,
            data_table(
                ("Name", "Conf", "By", "Shared", ""), TriggerState.configs, config_row, id="configs"
            ),
            rx.text("None yet: save one from the trigger dialog.", color_scheme="gray", size="2"),
        ),
        width="100%",
    )


def details_tab() -> rx.Component:
    return rx.vstack(
        rx.text(
            "Environment: ",
            rx.cond(DagState.dag["environment"], DagState.dag["environment"], "—"),  # type: ignore[call-overload]
        ),
        rx.text(
            "Owner team: ",
            rx.cond(DagState.dag["owner_team"], DagState.dag["owner_team"], "—"),  # type: ignore[call-overload]
        ),
        rx.text("File: ", DagState.dag["file_path"]),  # type: ignore[call-overload]
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
                        default_value=MetadataState.custom_tags_text,
                    ),
                    rx.input(
                        name="description",
                        placeholder="description",
                        default_value=DagState.dag.get("product_description", ""),  # type: ignore[attr-defined]
                        id="metadata-description",
                        aria_label="Description",
                        width="320px",
                    ),
                    rx.button("Save metadata", type="submit", size="2"),
                    rx.text(MetadataState.metadata_message, size="1"),
                    align="center",
                ),
                on_submit=MetadataState.save_metadata,
                id="metadata-form",
            ),
        ),
        configs_section(),
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
            page_badge(),
            alert_badge(DagState.dag["alert_rules"]),  # type: ignore[call-overload]
            rx.cond(
                DagState.shows_dag_id,
                rx.code(DagState.dag_id, variant="ghost", color_scheme="gray", id="dag-id"),
            ),
            rx.spacer(),
            rx.cond(
                DagState.can_trigger,
                rx.button("▶ Trigger", on_click=TriggerState.open_trigger, id="open-trigger"),
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
                rx.tabs.trigger("Grid", value="grid"),
                rx.tabs.trigger("Runs", value="runs"),
                rx.tabs.trigger("Graph", value="graph"),
                rx.tabs.trigger("Details", value="details"),
                rx.tabs.trigger("Backfills", value="backfills", id="tab-backfills"),
                rx.tabs.trigger("Versions", value="versions", id="tab-versions"),
            ),
            rx.tabs.content(overview_tab(), value="overview", padding_top="12px"),
            rx.tabs.content(grid_tab(), value="grid", padding_top="12px"),
            rx.tabs.content(runs_tab(), value="runs", padding_top="12px"),
            rx.tabs.content(
                graph_view(
                    DagState.nodes,
                    DagState.edges,
                    DagState.click_structure_node,
                    DagState.graph_key,
                    DagState.graph_of == DagState.dag_id,
                ),
                value="graph",
                padding_top="12px",
            ),
            rx.tabs.content(details_tab(), value="details", padding_top="12px"),
            rx.tabs.content(backfills_tab(), value="backfills", padding_top="12px"),
            rx.tabs.content(versions_tab(), value="versions", padding_top="12px"),
            value=DagState.tab,
            on_change=[
                DagState.set_tab,
                GridState.follow_tab,
                BackfillState.follow_tab,
                VersionsState.follow_tab,
            ],
            margin_top="16px",
        ),
        trigger_dialog(),
    )
