"""``rx.event`` as mypy can read it.

At run time ``event`` *is* ``rx.event``. Reflex types the decorator through overloads of
``EventNamespace.__new__`` returning ``EventCallback``; mypy ignores a ``__new__`` that returns
another class, so under mypy every ``@rx.event`` handler became an ``EventNamespace`` that
cannot be called (``State.sort(column)``) and whose arguments go unchecked. Declared as plain
functions, the same overloads let mypy check each handler's arguments where a page binds them.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar, TypeVarTuple, overload

import reflex as rx

if TYPE_CHECKING:
    from reflex_base.event import EventCallback

    _State = TypeVar("_State", bound=rx.State)
    _Args = TypeVarTuple("_Args")

    @overload
    def event(func: Callable[[_State, *_Args], Any], /) -> EventCallback[*_Args]: ...

    @overload
    def event(
        *, background: bool
    ) -> Callable[[Callable[[_State, *_Args], Any]], EventCallback[*_Args]]: ...

    def event(func: Any = None, /, *, background: bool = False) -> Any:
        """Make ``func`` an event handler (``background``: one that runs outside the state
        lock, taking it with ``async with self`` only to read and write the state)."""

else:
    event = rx.event
