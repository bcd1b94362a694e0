"""Logging set-up: tokens never reach a log line, and no line is huge.

httpx logs request URLs at INFO and Telegram's and Zalo's URLs carry the bot token in their path, so those
loggers stay at WARNING; and since an exception's text can carry a URL too, every line is redacted.
A line that would carry a whole payload (an update batch, a response body) is cut: one bad update repeated
in a loop once grew the log by 58 MB in 30 s.
"""
from __future__ import annotations

import logging

NOISY = ("httpx", "httpcore", "telegram.ext.Updater", "apscheduler", "uvicorn.access")
TOKEN_AT_DEBUG = ("telegram.Bot", "telegram.ext.ExtBot")   # PTB logs its API URLs, token included, at DEBUG
REDACTED = "<token>"
MAX_MESSAGE_CHARS = 2000      # a log message longer than this is cut
MAX_TRACEBACK_CHARS = 8000    # a traceback keeps its last lines (where it failed)


def _traceback_text(record: logging.LogRecord) -> str | None:
    if record.exc_info and record.exc_info[1] is not None:
        return logging.Formatter().formatException(record.exc_info)
    return record.exc_text or None


def _set_traceback_text(record: logging.LogRecord, text: str) -> None:
    # Formatters append exc_text when it is set; without exc_info nobody formats the raw exception again.
    record.exc_info, record.exc_text = None, text


class RedactTokens(logging.Filter):
    def __init__(self, secrets: list[str]):
        super().__init__()
        self.secrets = [s for s in secrets if s]

    def _redact(self, text: str) -> str:
        for s in self.secrets:
            text = text.replace(s, REDACTED)
        return text

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if any(s in message for s in self.secrets):
            record.msg, record.args = self._redact(message), None
        text = _traceback_text(record)
        if text and any(s in text for s in self.secrets):
            _set_traceback_text(record, self._redact(text))
        return True


class CapLength(logging.Filter):
    """Cut over-long messages (keeping the head) and tracebacks (keeping the tail, where it failed).
    Install after RedactTokens, so a cut never leaves the first half of a token behind."""

    def __init__(self, max_message: int = MAX_MESSAGE_CHARS, max_traceback: int = MAX_TRACEBACK_CHARS):
        super().__init__()
        self.max_message, self.max_traceback = max_message, max_traceback

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if len(message) > self.max_message:
            cut = len(message) - self.max_message
            record.msg, record.args = f"{message[:self.max_message]}… [{cut} more chars cut]", None
        text = _traceback_text(record)
        if text and len(text) > self.max_traceback:
            cut = len(text) - self.max_traceback
            _set_traceback_text(record, f"[{cut} chars of traceback cut] …{text[-self.max_traceback:]}")
        return True


def configure(level: int, secrets: list[str]) -> None:
    logging.basicConfig(level=level, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    quiet_noisy_loggers()
    redact, cap = RedactTokens(secrets), CapLength()
    for handler in logging.getLogger().handlers:
        handler.addFilter(redact)
        handler.addFilter(cap)


def quiet_noisy_loggers() -> None:
    for name in NOISY:
        logging.getLogger(name).setLevel(logging.WARNING)
    for name in TOKEN_AT_DEBUG:
        logging.getLogger(name).setLevel(logging.INFO)
