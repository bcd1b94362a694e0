"""Logging set-up: tokens never reach a log line.

httpx logs request URLs at INFO and Telegram's and Zalo's URLs carry the bot token in their path, so those
loggers stay at WARNING; and since an exception's text can carry a URL too, every line is redacted.
"""
from __future__ import annotations

import logging

NOISY = ("httpx", "httpcore", "telegram.ext.Updater", "apscheduler", "uvicorn.access")
REDACTED = "<token>"


class RedactTokens(logging.Filter):
    def __init__(self, secrets: list[str]):
        super().__init__()
        self.secrets = [s for s in secrets if s]

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if any(s in message for s in self.secrets):
            for s in self.secrets:
                message = message.replace(s, REDACTED)
            record.msg, record.args = message, None
        if record.exc_info and record.exc_info[1] is not None:
            text = logging.Formatter().formatException(record.exc_info)
            if any(s in text for s in self.secrets):
                for s in self.secrets:
                    text = text.replace(s, REDACTED)
                record.msg = f"{record.msg}\n{text}"
                record.exc_info = record.exc_text = None
        return True


def configure(level: int, secrets: list[str]) -> None:
    logging.basicConfig(level=level, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    quiet_noisy_loggers()
    redact = RedactTokens(secrets)
    for handler in logging.getLogger().handlers:
        handler.addFilter(redact)


def quiet_noisy_loggers() -> None:
    for name in NOISY:
        logging.getLogger(name).setLevel(logging.WARNING)
