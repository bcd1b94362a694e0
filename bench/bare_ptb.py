"""The baseline for bench.cpu: a bare python-telegram-bot Application that answers /help itself.

    TELEGRAM_BOT_TOKEN=... TELEGRAM_API_BASE_URL=... TELEGRAM_FILE_BASE_URL=... python -m bench.bare_ptb

Same PTB version, same HTTP transport and polling parameters as the real bot; no database, no outbox, no
conversation. It sends what the real bot sends a bound contact for /help, the same text and the same four
menu buttons (the buttons' data unsigned: signing is the real bot's own work), so the two bots' difference
is what thidua-bot adds, not a bigger message. BARE_REPLY=plain answers with the help text alone, as this
baseline did before (bench.cpu --bare-reply plain).
"""
import os

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import Application, CommandHandler, ContextTypes

from bot import texts

HELP = texts.HELP_CONTACT.format(unit="Trường số 0")   # bench.cpu's units are «Trường số N»
MENU = InlineKeyboardMarkup([
    [InlineKeyboardButton(texts.MENU_SUBMIT, callback_data="g|submit|#bareptb0"),
     InlineKeyboardButton(texts.MENU_NOMINATE, callback_data="g|nominate|#bareptb0")],
    [InlineKeyboardButton(texts.MENU_TODO, callback_data="g|todo|#bareptb0"),
     InlineKeyboardButton(texts.MENU_HELP, callback_data="g|help|#bareptb0")],
])
PLAIN = os.environ.get("BARE_REPLY") == "plain"


async def help_command(update: Update, _context: ContextTypes.DEFAULT_TYPE) -> None:
    await update.effective_message.reply_text(HELP, reply_markup=None if PLAIN else MENU)


def main() -> None:
    app = (Application.builder().token(os.environ["TELEGRAM_BOT_TOKEN"])
           .base_url(os.environ["TELEGRAM_API_BASE_URL"]).base_file_url(os.environ["TELEGRAM_FILE_BASE_URL"])
           .build())
    app.add_handler(CommandHandler("help", help_command))
    app.run_polling(timeout=10, poll_interval=0.0, allowed_updates=["message", "callback_query"])


if __name__ == "__main__":
    main()
