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


def test_an_overlong_message_is_cut_to_about_two_thousand_chars():
    from bot.logs import MAX_MESSAGE_CHARS, CapLength
    batch = [{"update_id": i, "message": {"text": "x" * 50}} for i in range(2000)]
    record = make_record("Received data was %r", (batch,))
    CapLength().filter(record)
    line = logging.Formatter().format(record)
    assert len(line) < MAX_MESSAGE_CHARS + 100 and line.startswith("Received data was [{'update_id': 0")
    assert "chars cut" in line
    short = make_record("polling goes on")
    CapLength().filter(short)
    assert short.getMessage() == "polling goes on"


def test_an_overlong_traceback_keeps_its_end_and_the_token_stays_redacted():
    import sys
    from bot.logs import MAX_TRACEBACK_CHARS, CapLength
    try:
        raise ValueError(f"{'y' * 20000} at https://api.telegram.org/bot{TOKEN}/getUpdates")
    except ValueError:
        record = make_record("parse failed", exc_info=sys.exc_info())
    RedactTokens([TOKEN]).filter(record)
    CapLength().filter(record)
    line = logging.Formatter().format(record)
    assert len(line) < MAX_TRACEBACK_CHARS + 200
    assert TOKEN not in line and line.endswith("bot<token>/getUpdates")


def test_configure_installs_both_filters_on_the_handlers(monkeypatch):
    from bot import logs
    root = logging.getLogger()
    handler = logging.StreamHandler()
    monkeypatch.setattr(root, "handlers", [handler])
    logs.configure(logging.INFO, [TOKEN])
    assert [type(f).__name__ for f in handler.filters] == ["RedactTokens", "CapLength"]
