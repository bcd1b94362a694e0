"""Channel-neutral errors the channels raise, so callers (the CLI, the engine) need no platform SDK.

Their texts never carry a token: they name the failing step and the error class, nothing more.
"""
from __future__ import annotations

from db.files import BlobTooBig


class ChannelStartError(Exception):
    """A channel could not start. `reason`: "token" (rejected), "network" (API unreachable) or "api"."""

    def __init__(self, channel: str, reason: str, detail: str = ""):
        super().__init__(f"{channel} start failed: {reason}{f' ({detail})' if detail else ''}")
        self.channel, self.reason, self.detail = channel, reason, detail


class DownloadError(Exception):
    """A file could not be fetched from the channel."""


class DownloadTooLarge(DownloadError, BlobTooBig):
    """The file is over the caller's limit (also a BlobTooBig: one `except` covers sink and channel)."""

    def __init__(self, size: int, max_bytes: int):
        BlobTooBig.__init__(self, size)
        self.max_bytes = max_bytes
        self.args = (f"file over the limit of {max_bytes} bytes ({size} bytes seen)",)

    def __str__(self) -> str:
        return self.args[0]
