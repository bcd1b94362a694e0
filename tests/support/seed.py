"""Small builders for test data. Each opens its own transaction and returns detached rows."""
from __future__ import annotations

from datetime import date, datetime, timedelta

from db import campaigns as campaign_ops
from db import invites
from db.clock import utcnow
from db.engine import session_scope
from db.models import Campaign, Contact, Milestone, Office, Staff, Unit


def office(name: str = "Phòng Giáo dục và Đào tạo Quận 1") -> Office:
    with session_scope() as s:
        o = Office(name=name, level="Phòng")
        s.add(o)
        s.flush()
        return o


def unit(code: str, name: str, level: str = "Tiểu học", cluster: str | None = "Cụm 1",
         office_id: int | None = None) -> Unit:
    with session_scope() as s:
        u = Unit(code=code, name=name, level=level, cluster=cluster, office_id=office_id)
        s.add(u)
        s.flush()
        return u


def contact(unit_id: int, user_id: int | str, channel: str = "telegram", name: str = "Đầu mối") -> Contact:
    with session_scope() as s:
        c = Contact(unit_id=unit_id, channel=channel, platform_user_id=str(user_id), chat_id=str(user_id),
                    display_name=name)
        s.add(c)
        s.flush()
        return c


def invite(unit_id: int, days: int = 30, max_uses: int = 3) -> str:
    with session_scope() as s:
        _, token = invites.create_unit_invite(s, s.get(Unit, unit_id), days=days, max_uses=max_uses)
        return token


def staff(user_id: int | str, name: str = "Cán bộ thi đua", role: str = "specialist", office_id: int | None = None,
          channel: str = "telegram", started: bool = True) -> Staff:
    """started: the staff member has written to the bot already (only then may it write to them)."""
    with session_scope() as s:
        st = Staff(name=name, role=role, office_id=office_id, channel=channel, platform_user_id=str(user_id),
                   chat_id=str(user_id), started_at=utcnow() if started else None)
        s.add(st)
        s.flush()
        return st


def campaign(title: str = "Phong trào thi đua năm học 2026-2027", unit_ids: list[int] = (), status: str = "launched",
             milestones: list[dict] = (), **fields) -> tuple[Campaign, list[Milestone]]:
    """milestones: dicts of Milestone fields; `due_in_days` is a shortcut for due_at."""
    with session_scope() as s:
        c = Campaign(title=title, status=status, doc_number=fields.pop("doc_number", "87/KH-GDĐT"),
                     issued_date=fields.pop("issued_date", date(2026, 9, 5)), **fields)
        s.add(c)
        s.flush()
        campaign_ops.set_units(s, c.id, list(unit_ids))
        rows = []
        for spec in milestones:
            spec = dict(spec)
            if "due_in_days" in spec:
                spec["due_at"] = utcnow().replace(microsecond=0) + timedelta(days=spec.pop("due_in_days"))
            spec.setdefault("title", "Báo cáo sơ kết")
            spec.setdefault("kind", "preliminary_report")
            rows.append(Milestone(campaign_id=c.id, **spec))
        s.add_all(rows)
        s.flush()
        return c, rows


def at(year: int, month: int, day: int, hour: int = 17) -> datetime:
    """A naive-UTC datetime for a local (UTC+7) wall-clock time."""
    return datetime(year, month, day, hour) - timedelta(hours=7)
