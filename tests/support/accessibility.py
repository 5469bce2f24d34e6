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
    """What axe-core finds on the page as it is now, at a serious or critical impact: one line
    per rule broken, naming the rule, what it asks and the elements that break it."""
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
