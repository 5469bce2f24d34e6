"""Keyboard shortcuts on every signed-in page, from one listener in the browser.

``/`` focuses the DAG list's search, ``g`` then ``d`` goes to the DAG list, ``t`` opens the
trigger dialog on a DAG page (its button is only there for those who may trigger), ``Ctrl+F``
(``⌘F``) focuses the log viewer's whole-log search instead of the browser's find, which would
only see the lines on screen. None of them fires while a person types in a field, nor (but
``Ctrl+F``) over an open dialog or drawer, whose keys are its own. ``Esc`` closes the task
drawer, as it closes every dialog: Radix's own handler, which works from inside a field too.

The shortcuts act through the page's own controls (a click on the link or button, a focus of
the field), so they go where a click goes and need nothing from the server."""

from __future__ import annotations

import reflex as rx

SEQUENCE_MS = 1500
"""How long after ``g`` a ``d`` still completes the sequence."""

# Installed once per page load: Reflex renders the layout again on each navigation, and the
# script with it, but one listener on the window serves every page.
SCRIPT = f"""
(() => {{
  if (window.airdeckShortcuts) return;
  window.airdeckShortcuts = true;
  let gPressedAt = -Infinity;
  const typing = (el) =>
    !!el && (el.isContentEditable || ["INPUT", "TEXTAREA", "SELECT"].includes(el.tagName));
  const shown = (id) => {{
    const el = document.getElementById(id);
    return el && el.getClientRects().length > 0 ? el : null;
  }};
  const overlaid = () => !!document.querySelector('[role="dialog"], [role="alertdialog"]');
  // Capturing, so that a widget which handles the same key itself (the graph takes Ctrl)
  // cannot hide it from the shortcuts.
  window.addEventListener("keydown", (event) => {{
    if (event.isComposing) return;
    const key = event.key;
    if ((event.ctrlKey || event.metaKey) && !event.altKey && key.toLowerCase() === "f") {{
      const search = shown("log-search");
      if (!search || (typing(event.target) && event.target !== search)) return;
      event.preventDefault();
      search.focus();
      search.select();
      return;
    }}
    if (event.ctrlKey || event.metaKey || event.altKey) return;
    if (typing(event.target) || overlaid()) return;
    const afterG = performance.now() - gPressedAt < {SEQUENCE_MS};
    gPressedAt = -Infinity;
    let target = null;
    if (key === "/") {{
      target = shown("search");
      if (target) target.focus();
    }} else if (key === "g") {{
      gPressedAt = performance.now();
    }} else if (key === "d" && afterG) {{
      target = shown("nav-dags");
      if (target) target.click();
    }} else if (key === "t") {{
      target = shown("open-trigger");
      if (target) target.click();
    }}
    if (target) event.preventDefault();
  }}, true);
}})();
"""


def keyboard_shortcuts() -> rx.Component:
    """The listener behind Airdeck's keyboard shortcuts; render it once per page."""
    # rx.script comes from a Reflex package without a py.typed marker, so mypy sees it untyped.
    listener: rx.Component = rx.script(SCRIPT)
    return listener
