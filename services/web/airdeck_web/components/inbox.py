"""The inbox's pieces: the top bar's link with its count, and the dialog that answers one
request with its options or its form (drawn by the trigger form's renderer)."""

from __future__ import annotations

from typing import Any

import reflex as rx

from airdeck_web.components.trigger_form import form_field
from airdeck_web.states.inbox import InboxState, PendingCountState


def inbox_link() -> rx.Component:
    """The top bar's link to /inbox with how many requests wait (none: no number), for people
    who may answer them; mounting it starts the tab's count watcher."""
    shown: rx.Component = rx.cond(
        PendingCountState.can_respond,
        rx.link(
            "Inbox",
            rx.cond(
                PendingCountState.pending > 0,
                rx.badge(
                    PendingCountState.pending,
                    color_scheme="orange",
                    variant="solid",
                    radius="full",
                    margin_left="6px",
                    id="inbox-count",
                    title="Requests waiting for a response",
                ),
            ),
            href="/inbox",
            color_scheme="gray",
            id="nav-inbox",
            on_mount=PendingCountState.watch_count,
        ),
    )
    return shown


def _option_box(option: Any) -> rx.Component:
    return rx.checkbox(
        option,
        checked=InboxState.picked.contains(option),
        on_change=lambda on: InboxState.pick(option, on),
        class_name="inbox-pick",
        data_option=option,
    )


def _picks() -> rx.Component:
    """The options as boxes to tick, sent with the Submit button."""
    request: Any = InboxState.request
    return rx.flex(
        rx.foreach(request["options"], _option_box),
        role="group",
        aria_label="Options",
        spacing="4",
        wrap="wrap",
    )


def _submit() -> rx.Component:
    return rx.button(
        "Submit", on_click=InboxState.submit, loading=InboxState.responding, id="inbox-submit"
    )


def _answer() -> rx.Component:
    """Options as buttons (one click answers), or ticked options and a form, then Submit."""
    request: Any = InboxState.request
    answer: rx.Component = rx.cond(
        request["has_form"],
        rx.vstack(
            rx.foreach(InboxState.fields, lambda field: form_field(field, InboxState)),
            rx.cond(request["options"].length() > 1, _picks()),
            _submit(),
            width="100%",
            spacing="4",
        ),
        rx.cond(
            request["multiple"],
            rx.vstack(_picks(), _submit(), spacing="4"),
            rx.hstack(
                rx.foreach(
                    request["options"],
                    lambda option: rx.button(
                        option,
                        on_click=InboxState.choose(option),
                        loading=InboxState.responding,
                        class_name="inbox-option",
                        data_option=option,
                    ),
                ),
                spacing="3",
                wrap="wrap",
            ),
        ),
    )
    return answer


def request_dialog() -> rx.Component:
    """The request open in the inbox: what it asks, and the way to answer it."""
    request: Any = InboxState.request
    return rx.dialog.root(
        rx.dialog.content(
            rx.dialog.title(request["subject"]),
            rx.dialog.description(
                request["dag_id"],
                " · ",
                request["run_id"],
                " · ",
                request["task_id"],
                size="1",
                color_scheme="gray",
            ),
            rx.box(rx.markdown(request["body"]), margin_y="12px", id="inbox-body"),
            rx.cond(
                request["waiting"],
                rx.cond(
                    InboxState.can_respond,
                    _answer(),
                    rx.text("You may read this request but not answer it.", size="2"),
                ),
                rx.callout("This request no longer waits for an answer.", color_scheme="gray"),
            ),
            rx.cond(
                InboxState.respond_error != "",
                rx.callout(
                    InboxState.respond_error,
                    color_scheme="red",
                    icon="triangle_alert",
                    margin_top="12px",
                    id="inbox-error",
                ),
            ),
            rx.hstack(
                rx.dialog.close(rx.button("Close", variant="soft", color_scheme="gray")),
                justify="end",
                margin_top="16px",
            ),
            max_width="560px",
            id="inbox-dialog",
        ),
        open=InboxState.dialog_open,
        on_open_change=InboxState.set_dialog_open,
    )
