"""Importing this module registers every command, action and flow with the engine."""
from handlers import start  # noqa: F401
from handlers import report, todo  # noqa: F401
from handlers import awards, dossier, nominate, nomination_amend, nomination_review  # noqa: F401
from handlers import campaign_edit  # noqa: F401  changing a saved or launched plan
from handlers import questions, staff_notify  # noqa: F401  questions forwarded to staff, /thongbao  nominations and award dossiers
from handlers import export, nudge, progress, review  # noqa: F401  staff follow-up
from handlers import staff_campaign, launch  # noqa: F401
from handlers import reminder_policy  # noqa: F401
from handlers import plan_import  # noqa: F401
from handlers import web_link  # noqa: F401  /web: sign-in link to the staff console
from handlers import letterhead, progress_report  # noqa: F401  the office's letterhead (/coquan), Báo cáo tiến độ (/baocao)
