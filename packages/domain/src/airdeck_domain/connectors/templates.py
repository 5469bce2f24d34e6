"""``{{ secrets.NAME }}`` placeholders in a source's query parameters, headers and body: the
names a definition uses, and the text with their values filled in at run time."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

PLACEHOLDER = re.compile(r"\{\{\s*secrets\.([A-Za-z0-9_]+)\s*\}\}")
SECRET_NAME = re.compile(r"^[a-z][a-z0-9_]{0,62}$")


def secret_names(texts: Iterable[str | None]) -> set[str]:
    """The secret names ``texts`` refer to."""
    return {name for text in texts if text for name in PLACEHOLDER.findall(text)}


def fill(text: str, secrets: Mapping[str, str]) -> str:
    """``text`` with every placeholder replaced by its secret's value (KeyError for a name
    ``secrets`` lacks)."""
    return PLACEHOLDER.sub(lambda found: secrets[found.group(1)], text)
