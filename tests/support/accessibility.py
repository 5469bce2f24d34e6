"""Accessibility checks in the browser tests: axe-core, from the npm registry, injected into the
page under test, reporting what a person with a screen reader, a keyboard or low vision would
hit."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path
from typing import Any

from playwright.sync_api import Page

AXE_DIR = Path(__file__).parent / "axe_core"
AXE_JS = AXE_DIR / "node_modules" / "axe-core" / "axe.min.js"
BLOCKING = ("serious", "critical")
# Whether the focused element draws a focus ring: an outline, or a box shadow as Radix's
# inputs have (on the element or, for a Radix text field's input, on its wrapper).
FOCUS_SHOWN = """() => {
  const el = document.activeElement;
  if (!el || el === document.body) return false;
  const drawn = (node) => {
    const style = getComputedStyle(node);
    return (style.outlineStyle !== "none" && parseFloat(style.outlineWidth) > 0)
      || style.boxShadow !== "none";
  };
  return drawn(el) || (!!el.parentElement && drawn(el.parentElement));
}"""
SETTLED = """() => document.getAnimations().every(
  (a) => a.playState !== "running" || a.effect?.getComputedTiming().iterations === Infinity
)"""
"""No animation of the page still running (endless ones, such as a spinner, aside)."""
TAB_PRESSES = 80
"""The impacts a page may not have; axe-core's "minor" and "moderate" findings are left to
judgement."""


def install_axe() -> Path:
    """Install ``axe-core`` (the version axe_core/package.json pins) with npm from the configured
    registry, once (no lockfile, so no registry host name is committed); its script's path."""
    if not AXE_JS.exists():
        npm = shutil.which("npm")
        assert npm, "npm is needed to install axe-core for the accessibility checks"
        subprocess.run(
            [npm, "install", "--no-package-lock", "--no-audit", "--no-fund", "--silent"],
            cwd=AXE_DIR,
            check=True,
        )
    return AXE_JS


def blocking_violations(page: Page) -> list[str]:
    """What axe-core finds on the page once its animations ended (a dialog fading in is
    half transparent, so its text would measure as low contrast), at a serious or critical
    impact: one line per rule broken, naming the rule, what it asks and the elements that
    break it."""
    page.wait_for_function(SETTLED)
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.add_script_tag(path=str(install_axe()))
    results: dict[str, Any] = page.evaluate(
        "() => axe.run(document, {resultTypes: ['violations']})"
    )
    return [
        f"{rule['impact']} {rule['id']}: {rule['help']} — "
        + "; ".join(" ".join(map(str, node["target"])) for node in rule["nodes"][:5])
        for rule in results["violations"]
        if rule["impact"] in BLOCKING
    ]


def focus_shown(page: Page) -> bool:
    """Whether the element the keyboard is on shows it, with an outline or a box shadow."""
    shown: bool = page.evaluate(FOCUS_SHOWN)
    return shown


def tab_to(page: Page, selector: str) -> None:
    """Press Tab, as a keyboard user would, until the focused element matches ``selector``;
    fails when it is not reached within a page's worth of presses."""
    for _ in range(TAB_PRESSES):
        page.keyboard.press("Tab")
        if page.evaluate("(s) => !!document.activeElement?.matches(s)", selector):
            return
    raise AssertionError(f"Tab never reached {selector} in {TAB_PRESSES} presses")
