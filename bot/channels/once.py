"""Log a skipped update once: the same unreadable update may come back (re-delivery, webhook retries)."""
from __future__ import annotations

from collections import OrderedDict
from typing import Any


class Once:
    """Remembers the last `size` keys; first(key) is True only the first time a key is seen."""

    def __init__(self, size: int = 1024):
        self.size = size
        self._seen: OrderedDict[Any, None] = OrderedDict()

    def first(self, key: Any) -> bool:
        if key in self._seen:
            return False
        self._seen[key] = None
        if len(self._seen) > self.size:
            self._seen.popitem(last=False)
        return True
