"""Stage 4 of plan reading: the kind of an obligation (plan submission, registration, reports, dossiers,
nominations, events, other) from its verb and object."""
from __future__ import annotations

import re

from schedules.plans.text import fold, nfc


KINDS = (
    "plan_submission",
    "registration",
    "preliminary_report",
    "final_report",
    "periodic_report",
    "award_dossier",
    "nomination",
    "event",
    "other",
)


_KIND_PATTERNS: list[tuple[str, str]] = [
    ("award_dossier", r"\bho so\b(?!\s+(?:hoc sinh|tuyen|du thi|minh chung))|\bto trinh\b|\bdanh sach (?:de nghi|de xuat|khen)|\b(?:de nghi|de xuat|xet) khen thuong\b|\bhoi dong thi dua.{0,30}\bxet\b"),
    ("nomination", r"\bde cu\b|\bgioi thieu\b.{0,40}\b(?:guong|dien hinh|tap the|ca nhan)|\b(?:guong|mo hinh) dien hinh|\bdien hinh tien tien\b|\bbinh chon\b|\bguong nguoi tot"),
    ("registration", r"\bdang ky\b|\bgiao uoc\b|\bky ket\b|\bcam ket thi dua\b"),
    ("preliminary_report", r"\bso ket\b"),
    ("final_report", r"\btong ket\b"),
    ("plan_submission", r"\b(?:gui|nop|xay dung|ban hanh|hoan thanh|lap|bao cao)\b[^.;]{0,25}?\bke hoach\b|\bke hoach (?:cua|thi dua|phat dong|to chuc)\b[^.;]{0,40}\b(?:gui|nop)\b"),
]
STRONG_KINDS = {k for k, _ in _KIND_PATTERNS}
_PERIODIC = re.compile(r"\bbao cao\s+(?:dinh ky|hang thang|hang quy|thang|quy|6 thang|06 thang|nam|nua nam)\b|\bdinh ky\b")
# a meeting ("họp chuyên môn", "cuộc họp", a clause opening with "Họp bậc Mầm non …"; never "tổng hợp" or
# "phù hợp"), a trial run ("kết nối thử nghiệm"), a rehearsal, a training
_MEETING_OR_TRIAL = (r"\b(?:cuoc hop|buoi hop|du hop|hop (?:hoi dong|chuyen mon|giao ban|ban|to|phu huynh|truc tuyen|mat|bao))\b"
                     r"|(?:^|[:;.\-])\s*hop\b"
                     r"|\b(?:ket noi|chay|van hanh) thu(?: nghiem)?\b|\bdien tap\b|\btap huan\b")
EVENT = re.compile(
    r"\bhoi nghi\b|\bhoi thi\b|\bcuoc thi\b|\bhoi giang\b|\ble (?:tuyen duong|ky niem|trao|phat dong|khai mac|be mac|ton vinh)\b|"
    r"\bphat dong\b|\btuyen duong\b|\btrao (?:thuong|tang)\b|\bkiem tra\b|\bgap mat\b|\bgiao luu\b|\bmit tinh\b|\bto chuc\b|\btrien khai\b"
    r"|" + _MEETING_OR_TRIAL + r"|\bcong bo (?:ket qua|danh sach|diem)\b|\blich (?:thi|khao sat|kiem tra)\b|\bky thi\b"
)
EVENT_SPECIFIC = re.compile(
    r"\b(?:hoi nghi|hoi thi|cuoc thi|hoi giang|le \w+|phat dong|tuyen duong|trao (?:thuong|tang)|gap mat|mit tinh|so ket|tong ket)\b"
    r"|" + _MEETING_OR_TRIAL +
    # an announcement or an exam the office holds: "Công bố kết quả khảo sát: chậm nhất ngày 04/8",
    # "Lịch khảo sát 3 môn: Ngày 30/7", "kỳ thi tuyển sinh"
    r"|\bcong bo (?:ket qua|danh sach|diem)\b|\blich (?:thi|khao sat|kiem tra)\b|\bky thi\b"
    # a label that says when something takes place: "Thời gian tổ chức: 7 giờ 30 phút, ngày 14/10/2020"
    r"|\bthoi gian (?:to chuc|dien ra|khai mac|hop|tap huan|boi duong)\b"
)
# "Thời gian kết nối thử nghiệm: từ 16h00, ngày 13/10": the label names an activity and when it happens.
# Not a period ("thời gian thực hiện / thi đua / phát động / triển khai") and not a hand-in ("thời gian nộp").
TIME_LABEL = re.compile(r"\bthoi gian (?!(?:thuc hien|thi dua|phat dong|trien khai|nop|gui|bao cao|dang ky|ap dung|"
                         r"con lai|qua|toi|den|tu|la)\b)[a-z]{2,}")
# hand-ins and tasks without a kind of their own: kept as 'other' when a deadline cue or the line's head says when
_WEAK = re.compile(r"\b(?:gui|nop|bao cao|hoan thanh|cap nhat|tong hop|thuc hien|chuan bi|xay dung|"
                   r"nhan (?:bai|tac pham|san pham|ho so|ban)|xuat ban|phat hanh|dang tai|hoan thien|bo sung|"
                   r"bien soan|tiep nhan)\b")
_OCCASION = re.compile(r"(?:nhan dip|khi|sau khi|gan voi|sau|vao dip|dip)\s+(?:cac\s+)?$")


# a document named as the object ("Biên soạn Hướng dẫn tổng kết năm học"): the report word is its topic
_TITLED_DOCUMENT = re.compile(r"(?:Hướng dẫn|Quy chế|Quy định|Đề án|Chương trình|Tài liệu|Sổ tay)\s+(?:\S+\s+){0,2}$")


def in_document_title(phrase: str, pos: int) -> bool:
    """True when the word at ``pos`` follows a capitalised document noun mid-sentence ("… Hướng dẫn tổng kết"),
    so it names that document's topic; "Báo cáo tổng kết" and a sentence-initial "Hướng dẫn" stay reports."""
    before = nfc(phrase)[max(0, pos - 40) : pos]
    m = _TITLED_DOCUMENT.search(before)
    return bool(m) and bool(re.search(r"\w\s+$", before[: m.start()]))


def kind_hits(phrase: str) -> list[tuple[int, int, str]]:
    f = fold(nfc(phrase))
    hits: list[tuple[int, int, str]] = []
    for kind, rx in _KIND_PATTERNS:
        for m in re.finditer(rx, f):
            if kind in ("preliminary_report", "final_report"):
                # "nhân dịp sơ kết, tổng kết": an occasion, not an obligation
                pre = f[max(0, m.start() - 50) : m.start()]
                while True:
                    shorter = re.sub(r"(?:so ket|tong ket)\s*(?:,|va|hoac|/)?\s*$", "", pre)
                    if shorter == pre:
                        break
                    pre = shorter
                if _OCCASION.search(pre):
                    continue
                if in_document_title(phrase, m.start()):
                    continue
            if kind == "award_dossier" and re.search(r"\bdang ky\b", f[max(0, m.start() - 60) : m.start()]) and "ho so" not in f[m.start() : m.end()]:
                continue
            hits.append((m.start(), m.end(), kind))
    hits.sort()
    return hits


# names of bodies whose words are also activities: "Ban Tổ chức" (the organisers), "Vụ Tổ chức cán bộ",
# "Phòng Kiểm tra": the name says who, not what happens
_BODY_NAME = re.compile(r"\b(?:ban|vu|cuc|tieu ban|bo phan)\s+(?:to chuc|kiem tra|tuyen giao|tong hop)(?:\s+can bo)?\b")


def without_body_names(folded: str) -> str:
    """The folded phrase with names of bodies blanked (same length, so positions stay valid)."""
    return _BODY_NAME.sub(lambda m: " " * len(m.group(0)), folded)


def classify_kinds(phrase: str) -> list[str]:
    """All distinct obligation kinds of a phrase, in order of appearance.

    "gửi báo cáo tổng kết và hồ sơ khen thưởng" -> [final_report, award_dossier];
    "báo cáo định kỳ sơ kết 6 tháng đầu năm" -> [preliminary_report];
    "báo cáo định kỳ hằng quý" -> [periodic_report]; "tổ chức hội nghị" -> [event];
    "gửi báo cáo kết quả" -> [other]; nothing recognisable -> [].
    """
    phrase = nfc(phrase)
    kinds: list[str] = []
    for _, _, k in kind_hits(phrase):
        if k not in kinds:
            kinds.append(k)
    if "registration" in kinds and "award_dossier" in kinds:
        f = fold(phrase)
        if "ho so" not in f and "to trinh" not in f and "danh sach" not in f:
            kinds.remove("award_dossier")
    if kinds:
        return kinds
    f = without_body_names(fold(phrase))
    if _PERIODIC.search(f):
        return ["periodic_report"]
    if EVENT.search(f):
        return ["event"]
    if _WEAK.search(f):
        return ["other"]
    return []


def classify_kind(phrase: str) -> str:
    """The main kind of a phrase (first of :func:`classify_kinds`, else ``other``)."""
    kinds = classify_kinds(phrase)
    return kinds[0] if kinds else "other"


# --------------------------------------------------------------------------------------
# Actors


SUBMITTING = re.compile(r"\b(?:nop|gui)\b")
_OFFICE_NAMED = re.compile(r"\b(?:phong|so)\s+(?:giao duc|gd)|\bpgd|\bsgd|\bubnd\b")


def submission_without_actor(phrase: str) -> bool:
    """"Thời gian nộp bài viết: chậm nhất trước …": something is handed in and nobody is named before the
    verb. The office does not hand things in to itself, so it is the addressees' obligation."""
    f = fold(phrase)
    verb = SUBMITTING.search(f)
    return bool(verb) and not _OFFICE_NAMED.search(f[:verb.start()])


def sent_topic_is_not_the_event(phrase: str, kinds: list[str]) -> list[str]:
    """"gửi câu hỏi … về nội dung hội nghị trước 9h00": the meeting is the topic of what is sent; the
    obligation is the sending (other), not the meeting, when a submission verb comes before the event word."""
    if kinds != ["event"]:
        return kinds
    f = fold(phrase)
    verb, event = SUBMITTING.search(f), EVENT_SPECIFIC.search(f) or EVENT.search(f)
    return ["other"] if verb and event and verb.start() < event.start() else kinds
