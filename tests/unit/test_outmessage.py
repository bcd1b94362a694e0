"""OutMessage's hand-written JSON form keeps every field a dataclass copy would."""
from dataclasses import asdict, fields

from handlers.io import Choice, Link, OutFile, OutMessage


def test_to_json_is_the_full_dataclass_copy_and_reads_back():
    message = OutMessage("Nội dung", choices=[[Choice("Đồng ý", "ok"), Choice("Huỷ", "no")], [Choice("Khác", "x")]],
                         files=[OutFile(stored_file_id=7, name="KH.pdf", kind="document", url="https://x/tep/1")],
                         links=[Link("Tải lên", "https://x/tai-len/2")], edit_key="progress:1")
    for part, cls in ((message.choices[0][0], Choice), (message.files[0], OutFile), (message.links[0], Link),
                      (message, OutMessage)):
        assert all(getattr(part, f.name) not in (None, []) for f in fields(cls)), f"fill every field of {cls}"
    assert message.to_json() == asdict(message)
    assert OutMessage.from_json(message.to_json()) == message
