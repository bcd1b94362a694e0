"""Streaming a file from a URL into a sink, chunk by chunk, with a size limit (never whole in memory)."""
from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import httpx

from bot.channels.errors import DownloadError, DownloadTooLarge

CHUNK = 64 * 1024
Sink = Callable[[bytes], None]


async def stream_url(http: httpx.AsyncClient, url: str, sink: Sink, max_bytes: int) -> int:
    """GET `url` into `sink`; returns the size. Errors name the status or the error class only: the URL
    (which may carry a bot token) is in no message, and the httpx exception is not chained."""
    received = 0
    try:
        async with http.stream("GET", url, follow_redirects=True) as response:
            if response.status_code != 200:
                raise DownloadError(f"HTTP {response.status_code}")
            declared = response.headers.get("content-length", "")
            if declared.isdigit() and int(declared) > max_bytes:
                raise DownloadTooLarge(int(declared), max_bytes)
            async for chunk in response.aiter_bytes(CHUNK):
                received += len(chunk)
                if received > max_bytes:
                    raise DownloadTooLarge(received, max_bytes)
                sink(chunk)
    except httpx.HTTPError as exc:
        raise DownloadError(type(exc).__name__) from None
    return received


def copy_local(path: Path, sink: Sink, max_bytes: int) -> int:
    """A local Bot API server hands out file paths instead of URLs."""
    received = 0
    try:
        with open(path, "rb") as fh:
            while chunk := fh.read(CHUNK):
                received += len(chunk)
                if received > max_bytes:
                    raise DownloadTooLarge(received, max_bytes)
                sink(chunk)
    except OSError as exc:
        raise DownloadError(type(exc).__name__) from None
    return received
