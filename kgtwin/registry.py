"""One registry per extension point (loaders, stores, simulators), plug-ins by entry point.

Like PyKEEN's resolvers, a registry finds a component by the name users type; unlike a
global table, each registry is an object its owner builds, and entry points are read
only when a name is not found among the built-in ones.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from importlib.metadata import entry_points
from typing import Generic, TypeVar

from kgtwin.errors import KgTwinError

T = TypeVar("T")


class Registry(Generic[T]):
    """Components keyed by their ``name`` attribute; third parties add theirs by entry point."""

    def __init__(self, kind: str, group: str, builtin: Iterable[type[T]]):
        self.kind = kind
        self.group = group
        self._items: dict[str, type[T]] = {}
        self._plugins_read = False
        for item in builtin:
            self.register(item)

    def register(self, item: type[T]) -> type[T]:
        name = item.name  # type: ignore[attr-defined]
        if name in self._items and self._items[name] is not item:
            raise KgTwinError(f"two {self.kind}s are named {name!r}")
        self._items[name] = item
        return item

    def _read_plugins(self) -> None:
        if self._plugins_read:
            return
        self._plugins_read = True
        for point in entry_points(group=self.group):
            self.register(point.load())

    def get(self, name: str) -> type[T]:
        if name not in self._items:
            self._read_plugins()
        try:
            return self._items[name]
        except KeyError:
            known = ", ".join(sorted(self._items))
            raise KgTwinError(f"unknown {self.kind} {name!r}; known: {known}") from None

    def __iter__(self) -> Iterator[type[T]]:
        self._read_plugins()
        return iter(sorted(self._items.values(), key=lambda c: c.name))  # type: ignore[attr-defined]

    def __contains__(self, name: str) -> bool:
        self._read_plugins()
        return name in self._items
