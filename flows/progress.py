"""Progress events from the flow's tasks to whoever is watching in this process (the CLI's bars)."""

from __future__ import annotations

from collections.abc import Callable

Listener = Callable[[str, str, dict], None]
_listeners: list[Listener] = []


def subscribe(listener: Listener) -> Callable[[], None]:
    """Register a listener called as listener(source, event, details); returns the unsubscribe function."""
    _listeners.append(listener)
    return lambda: _listeners.remove(listener)


def emit(source: str, event: str, **details: object) -> None:
    """Tell the listeners that `source` reached `event` (started, done, failed)."""
    for listener in list(_listeners):
        listener(source, event, details)
