"""Settings that persist between sessions, as one declarative table: key, type, default, how to read and write it.

The window lists its settings once (:func:`restore` and :func:`save` do the rest); QSettings stores values as
strings in some formats, so each value is converted back to its type, and a value that does not convert (an old
or hand-edited file) leaves the default in place.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QByteArray, QSettings


@dataclass(frozen=True)
class Setting:
    """One persistent setting: ``read()`` gets it from the window, ``write(value)`` puts it back."""

    key: str
    kind: type  #: bool, int, str or bytes
    default: Any
    read: Callable[[], Any]
    write: Callable[[Any], None]


def _convert(raw, kind: type):
    if kind is bool:
        if isinstance(raw, bool):
            return raw
        if str(raw).lower() in ("true", "1"):
            return True
        if str(raw).lower() in ("false", "0"):
            return False
        raise ValueError(raw)
    if kind is bytes:
        if not isinstance(raw, (QByteArray, bytes)):
            raise ValueError(raw)
        return raw
    return kind(raw)


def restore(store: QSettings, table: list[Setting]) -> None:
    """Put every stored setting back (its default where none is stored or it is unreadable)."""
    for s in table:
        raw = store.value(s.key)
        try:
            value = s.default if raw is None else _convert(raw, s.kind)
        except (TypeError, ValueError):
            value = s.default
        if value is not None:
            s.write(value)


def save(store: QSettings, table: list[Setting]) -> None:
    """Store every setting's current value."""
    for s in table:
        value = s.read()
        if value is None:
            continue
        store.setValue(s.key, ("true" if value else "false") if s.kind is bool else value)
    store.sync()
