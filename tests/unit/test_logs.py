"""No log line carries a bot token, whichever way it got there."""
import logging

from bot.logs import RedactTokens

TOKEN = "123456:AAH-secret-token"


def make_record(msg, args=(), exc_info=None):
    return logging.LogRecord("x", logging.ERROR, __file__, 1, msg, args, exc_info)


def test_tokens_are_redacted_from_messages_arguments_and_tracebacks():
    redact = RedactTokens([TOKEN, None])
    record = make_record("GET https://api.telegram.org/bot%s/getMe", (TOKEN,))
    redact.filter(record)
    assert TOKEN not in record.getMessage() and "bot<token>/getMe" in record.getMessage()
    try:
        raise RuntimeError(f"connect failed for https://api.telegram.org/bot{TOKEN}/sendMessage")
    except RuntimeError:
        import sys
        record = make_record("send failed", exc_info=sys.exc_info())
    redact.filter(record)
    formatted = logging.Formatter().format(record)
    assert TOKEN not in formatted and "RuntimeError" in formatted


def test_httpx_stays_at_warning(caplog):
    from bot.logs import quiet_noisy_loggers
    quiet_noisy_loggers()
    assert logging.getLogger("httpx").getEffectiveLevel() >= logging.WARNING
