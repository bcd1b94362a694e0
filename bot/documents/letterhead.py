"""The office's letterhead as plain values: what every document it files prints in its header and signature."""
from __future__ import annotations

from dataclasses import dataclass

from bot import texts

FIELDS = ("name", "parent_body", "place_name", "signer_title", "signer_name", "number_prefix")


@dataclass(frozen=True)
class Letterhead:
    name: str = ""                 # cơ quan ban hành: "SỞ GIÁO DỤC VÀ ĐÀO TẠO"
    parent_body: str = ""          # cơ quan chủ quản: "UBND TỈNH BÌNH PHƯỚC"
    place_name: str = ""           # "Bình Phước"
    signer_title: str = ""         # "KT. GIÁM ĐỐC\nPHÓ GIÁM ĐỐC" (one line per line of the block)
    signer_name: str = ""
    number_prefix: str = ""        # "SGDĐT": Số: …/TTr-SGDĐT

    @classmethod
    def of(cls, office) -> "Letterhead":
        """From an Office row (or None: every field left for staff to fill in by hand)."""
        if office is None:
            return cls()
        return cls(**{f: (getattr(office, f, None) or "").strip() for f in FIELDS})

    def kind_code(self, kind: str) -> str:
        """The ký hiệu after the number: "TTr-SGDĐT", or "TTr" when the office has no prefix yet."""
        return f"{kind}-{self.number_prefix}" if self.number_prefix else kind

    @property
    def office_upper(self) -> str:
        return (self.name or texts.OFFICE_DOC_OFFICE_UNKNOWN).upper()

    @property
    def office_label(self) -> str:
        """The office as a sentence names it."""
        return self.name or texts.OFFICE_DOC_BLANK

    @property
    def signer_lines(self) -> list[str]:
        return [line.strip().upper() for line in self.signer_title.splitlines() if line.strip()]
