"""The baseline for bench.cpu: a bare python-telegram-bot Application that answers /help with a fixed text.

    TELEGRAM_BOT_TOKEN=... TELEGRAM_API_BASE_URL=... TELEGRAM_FILE_BASE_URL=... python -m bench.bare_ptb

Same PTB version, same HTTP transport and polling parameters as the real bot; no database, no outbox.
"""
import os

from telegram import Update
from telegram.ext import Application, CommandHandler, ContextTypes

HELP = "Trợ giúp (bare PTB): /nop — nộp báo cáo; /viec — việc cần làm; /help — trợ giúp này"


async def help_command(update: Update, _context: ContextTypes.DEFAULT_TYPE) -> None:
    await update.effective_message.reply_text(HELP)


def main() -> None:
    app = (Application.builder().token(os.environ["TELEGRAM_BOT_TOKEN"])
           .base_url(os.environ["TELEGRAM_API_BASE_URL"]).base_file_url(os.environ["TELEGRAM_FILE_BASE_URL"])
           .build())
    app.add_handler(CommandHandler("help", help_command))
    app.run_polling(timeout=10, poll_interval=0.0, allowed_updates=["message", "callback_query"])


if __name__ == "__main__":
    main()
