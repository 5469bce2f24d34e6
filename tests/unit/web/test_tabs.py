"""A closed tab's pollers stop: a tab counts as gone once disconnected for a minute."""

from __future__ import annotations

import sys
from types import ModuleType, SimpleNamespace

import pytest

from airdeck_web import tabs


@pytest.fixture
def sockets(monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    """The serving app's tokens with an open socket (a stand-in for Reflex's)."""
    open_sockets: dict[str, str] = {}
    module = ModuleType(tabs.APP_MODULE)
    module.app = SimpleNamespace(event_namespace=SimpleNamespace(token_to_sid=open_sockets))  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, tabs.APP_MODULE, module)
    return open_sockets


def test_a_tab_is_gone_only_after_a_minute_away(
    sockets: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    now = [1000.0]
    monkeypatch.setattr(tabs.time, "monotonic", lambda: now[0])
    sockets["tab"] = "sid-1"
    presence = tabs.Presence("tab")
    assert not presence.gone()
    del sockets["tab"]
    assert not presence.gone(), "a blip is not a closed tab"
    now[0] += tabs.LEFT_AFTER_SECONDS - 1
    assert not presence.gone()
    sockets["tab"] = "sid-2"
    assert not presence.gone(), "back in time: the count starts again"
    del sockets["tab"]
    assert not presence.gone()
    now[0] += tabs.LEFT_AFTER_SECONDS
    assert presence.gone()


def test_without_a_serving_app_every_tab_is_there(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delitem(sys.modules, tabs.APP_MODULE, raising=False)
    assert tabs.connected("any")
