"""Wording: documents the office signs and files (bot.documents), its letterhead (/coquan, `thidua office`).

Names start with OFFICE_DOC_, LETTERHEAD_ or REPORT_DOC_.
"""

# ------------------------------------------------------------------------------ Nghị định 30/2020 layout
OFFICE_DOC_NATION = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
OFFICE_DOC_MOTTO = "Độc lập - Tự do - Hạnh phúc"
OFFICE_DOC_BLANK = "……"                       # what staff fill in by hand: a number, a day, a name
OFFICE_DOC_NUMBER = "Số: {number}/{kind}"
OFFICE_DOC_PLACE_DATE = "{place}, ngày {day} tháng {month} năm {year}"
OFFICE_DOC_RECIPIENTS = "Nơi nhận:"
OFFICE_DOC_RECIPIENT_ARCHIVE = "- Lưu: VT."
OFFICE_DOC_END = "./."
OFFICE_DOC_OFFICE_UNKNOWN = "TÊN CƠ QUAN"      # printed when the office has no name yet

# ------------------------------------------------------------------------------ nominations list
OFFICE_DOC_LIST_TITLE = "DANH SÁCH"
OFFICE_DOC_LIST_SUBJECT = "Đề nghị tuyên dương gương điển hình tiên tiến {period}"
OFFICE_DOC_LIST_ATTACHED = "(Kèm theo Tờ trình số {number}/TTr-{prefix} ngày {day} tháng {month} năm {year} của {office})"
OFFICE_DOC_LIST_CAMPAIGN = "Phong trào: {campaign}"
OFFICE_DOC_GROUP_COLLECTIVE = "I. TẬP THỂ ({count})"
OFFICE_DOC_GROUP_INDIVIDUAL = "{roman}. CÁ NHÂN ({count})"
OFFICE_DOC_LIST_TOTAL = "Tổng cộng: {collective} tập thể, {individual} cá nhân."
OFFICE_DOC_LIST_HEADERS_XLSX = ["STT", "Họ và tên / Tên tập thể", "Chức vụ / Đặc điểm", "Đơn vị",
                                "Tóm tắt thành tích", "Hình thức đề nghị"]

# ------------------------------------------------------------------------------ tờ trình
OFFICE_DOC_PROPOSAL_TITLE = "TỜ TRÌNH"
OFFICE_DOC_PROPOSAL_SUBJECT = "Về việc đề nghị khen thưởng gương điển hình tiên tiến {period}"
OFFICE_DOC_PROPOSAL_TO = "Kính gửi: {to}"
OFFICE_DOC_PROPOSAL_BASIS = [
    "Căn cứ Luật Thi đua, khen thưởng ngày 15 tháng 6 năm 2022;",
    "Căn cứ {campaign};",
]
OFFICE_DOC_PROPOSAL_BODY = (
    "Trên cơ sở đề nghị của các đơn vị và kết quả xét duyệt, {office} kính trình {to} xem xét, khen thưởng "
    "{collective} tập thể và {individual} cá nhân có thành tích tiêu biểu trong {campaign} (có danh sách kèm theo), "
    "cụ thể như sau:"
)
OFFICE_DOC_PROPOSAL_CLOSE = "{office} kính trình {to} xem xét, quyết định{end}"
OFFICE_DOC_PROPOSAL_EMPTY = "Chưa có đề cử nào đã duyệt trong đợt {period} để lập tờ trình."
OFFICE_DOC_PROPOSAL_SENT = "Dự thảo tờ trình đợt {period}: {count} đề cử đã duyệt (.docx). Sửa, ký số rồi gửi lên cấp trên."
OFFICE_DOC_PROPOSAL_SUPERIOR = "cấp trên"

# ------------------------------------------------------------------------------ progress report
REPORT_DOC_TITLE = "BÁO CÁO"
REPORT_DOC_SUBJECT = "Tiến độ thực hiện {campaign}"
REPORT_DOC_INTRO = ("Thực hiện {campaign}{number}, tính đến {at}, {office} tổng hợp tiến độ {units} đơn vị tham gia "
                    "như sau:")
REPORT_DOC_INTRO_NUMBER = " (văn bản số {number})"
REPORT_DOC_SECTION_MILESTONES = "1. Tình hình nộp theo từng mốc"
REPORT_DOC_SECTION_CLUSTERS = "2. Tình hình nộp theo cụm thi đua"
REPORT_DOC_SECTION_MISSING = "3. Đơn vị chưa nộp theo từng mốc"
REPORT_DOC_MILESTONE_HEADERS = ["STT", "Mốc", "Hạn", "Số đơn vị", "Đã nộp", "Đã duyệt", "Trả lại", "Chưa nộp",
                                "Tỷ lệ đã nộp"]
REPORT_DOC_CLUSTER_HEADERS = ["STT", "Cụm thi đua", "Số đơn vị", "Lượt phải nộp", "Đã nộp", "Chưa nộp",
                              "Tỷ lệ đã nộp"]
REPORT_DOC_MISSING_HEADERS = ["STT", "Mã", "Tên đơn vị", "Cụm"]
REPORT_DOC_TOTAL = "Tổng cộng"
REPORT_DOC_NO_CLUSTER = "(chưa xếp cụm)"
REPORT_DOC_MISSING_HEAD = "{label} — hạn {due}: {count} đơn vị chưa nộp"
REPORT_DOC_MISSING_NONE = "{label} — hạn {due}: tất cả đơn vị đã nộp."
REPORT_DOC_NOT_DUE = "{label} — hạn {due}: chưa đến hạn, {count} đơn vị chưa nộp."
REPORT_DOC_SENT = "Báo cáo tiến độ «{title}» (.docx), theo thể thức Nghị định 30/2020/NĐ-CP."
REPORT_DOC_FLOW_TITLE = "Báo cáo tiến độ"
REPORT_DOC_BUILDING = "Đang soạn báo cáo tiến độ «{title}»… Tệp sẽ được gửi ngay khi xong."
REPORT_DOC_FAILED = ("Rất tiếc, máy chủ gặp lỗi khi soạn báo cáo tiến độ «{title}». "
                     "Vui lòng thử lại /baocao sau ít phút.")
REPORT_DOC_RECIPIENT = "- {parent} (để báo cáo);"

# ------------------------------------------------------------------------------ letterhead (/coquan, CLI)
LETTERHEAD_FIELDS = {
    # key typed after /coquan -> (label, the Office column)
    "ten": ("Tên cơ quan", "name"),
    "chuquan": ("Cơ quan chủ quản", "parent_body"),
    "diadanh": ("Địa danh", "place_name"),
    "chucvu": ("Chức vụ người ký", "signer_title"),
    "nguoiky": ("Họ tên người ký", "signer_name"),
    "kyhieu": ("Ký hiệu văn bản", "number_prefix"),
}
LETTERHEAD_SHOW = "Thông tin in trên văn bản của {office}:\n{lines}\n\n{usage}"
LETTERHEAD_LINE = "• {label}: {value}"
LETTERHEAD_EMPTY_VALUE = "(chưa đặt)"
LETTERHEAD_USAGE = (
    "Để sửa, gõ /coquan <mục> <nội dung>, ví dụ:\n"
    "/coquan chuquan UBND TỈNH BÌNH PHƯỚC\n"
    "/coquan diadanh Bình Phước\n"
    "/coquan chucvu KT. GIÁM ĐỐC | PHÓ GIÁM ĐỐC   (dấu | để xuống dòng)\n"
    "/coquan nguoiky Nguyễn Văn A\n"
    "/coquan kyhieu SGDĐT\n"
    "Các mục: ten, chuquan, diadanh, chucvu, nguoiky, kyhieu. Gõ /coquan <mục> xoa để xoá một mục."
)
LETTERHEAD_UNKNOWN_FIELD = "Không có mục «{field}». Các mục: ten, chuquan, diadanh, chucvu, nguoiky, kyhieu."
LETTERHEAD_TOO_LONG = "Nội dung dài quá {limit} ký tự, hãy viết ngắn lại."
LETTERHEAD_NAME_REQUIRED = "Tên cơ quan không được để trống."
LETTERHEAD_SAVED = "Đã lưu {label}: {value}"
LETTERHEAD_CLEARED = "Đã xoá {label}."
LETTERHEAD_ADMIN_ONLY = "Chỉ quản trị viên của cơ quan mới sửa được thông tin in trên văn bản."
LETTERHEAD_NO_OFFICE = "Tài khoản của bạn chưa gắn với cơ quan nào. Hãy nhờ quản trị hệ thống gắn cơ quan trước."
LETTERHEAD_CLI_HELP = "thông tin cơ quan in trên văn bản (tiêu đề, người ký, ký hiệu)"
LETTERHEAD_CLI_SET_HELP = "đặt tên, cơ quan chủ quản, địa danh, người ký, ký hiệu của một cơ quan"
LETTERHEAD_CLI_SHOW_HELP = "xem thông tin in trên văn bản của các cơ quan"
LETTERHEAD_CLI_OFFICE = "tên cơ quan hiện có (như khi nhập đơn vị/cán bộ)"
LETTERHEAD_CLI_NOT_FOUND = "Không có cơ quan «{name}». Các cơ quan: {names}"
LETTERHEAD_CLI_NOTHING = "Không có gì để đặt: hãy thêm ít nhất một tuỳ chọn (--parent, --place, --signer-title…)."
LETTERHEAD_CLI_NONE = "Chưa có cơ quan nào."

# ------------------------------------------------------------------------------ CLI documents
OFFICE_DOC_CLI_HELP = "văn bản theo thể thức Nghị định 30/2020: danh sách đề cử, tờ trình, báo cáo tiến độ"
OFFICE_DOC_CLI_KIND_HELP = ("nominations: danh sách đề cử của một đợt (ID là số của mốc đề cử); proposal: tờ trình "
                            "các đề cử đã duyệt của một đợt; progress: báo cáo tiến độ của một phong trào (ID là số "
                            "phong trào)")
OFFICE_DOC_CLI_FORMAT_HELP = "định dạng danh sách đề cử: docx (mặc định) hoặc xlsx"
OFFICE_DOC_CLI_NOT_FOUND = "Không tìm thấy {what} số {id}."
OFFICE_DOC_CLI_ROUND = "đợt đề cử"
OFFICE_DOC_CLI_CAMPAIGN = "phong trào"
OFFICE_DOC_CLI_EMPTY = "Không có đề cử nào để đưa vào văn bản."
OFFICE_DOC_BTN_PROPOSAL = "Tờ trình (Word)"

# ------------------------------------------------------------------------------ the consolidated workbook
EXPORT_CLUSTER_TITLE = "Theo cụm thi đua (mọi mốc)"
EXPORT_CLUSTER_HEADERS = ["STT", "Cụm thi đua", "Số đơn vị", "Lượt phải nộp", "Đã nộp", "Chưa nộp", "Tỷ lệ đã nộp"]
EXPORT_SHEET_SUBTITLE = "{campaign} — hạn nộp {due}"

# ------------------------------------------------------------------------------ the office's own template
LETTERHEAD_TEMPLATE_LABEL = "Mẫu văn bản riêng"
LETTERHEAD_TEMPLATE_DEFAULT = "(mẫu mặc định theo Nghị định 30/2020/NĐ-CP)"
LETTERHEAD_CLI_TEMPLATE_HELP = ("đặt mẫu Word (.docx) riêng của cơ quan, có các chỗ điền {{ co_quan }}, {{ so_ky_hieu }}, "
                                "{{ dia_danh_ngay }}, {{ ten_loai }}, {{ trich_yeu }}, {{p noi_dung }}, {{ noi_nhan }}, "
                                "{{ chuc_vu_nguoi_ky }}, {{ nguoi_ky }}")
LETTERHEAD_CLI_TEMPLATE_FILE = "tệp .docx làm mẫu"
LETTERHEAD_CLI_TEMPLATE_REMOVE = "bỏ mẫu riêng, dùng lại mẫu mặc định"
LETTERHEAD_TEMPLATE_SAVED = "Đã đặt mẫu «{name}» cho {office}: các văn bản sau sẽ theo mẫu này (chỗ điền: {fields})."
LETTERHEAD_TEMPLATE_REMOVED = "{office} dùng lại mẫu mặc định theo Nghị định 30/2020/NĐ-CP."
LETTERHEAD_TEMPLATE_BAD = "Không đọc được «{name}» làm mẫu: tệp phải là Word .docx (không phải .doc) và các chỗ điền viết đúng dạng {{{{ ten }}}}."
LETTERHEAD_TEMPLATE_NO_BODY = ("Mẫu «{name}» chưa có chỗ điền nội dung: hãy gõ {{{{p noi_dung }}}} trên một dòng riêng, "
                               "nơi bot đặt bảng và nội dung văn bản.")
LETTERHEAD_TEMPLATE_MISSING = "Không thấy tệp «{path}»."
OFFICE_DOC_CLI_ROUNDS = "Các đợt đề cử (dùng số ở đầu dòng):"
OFFICE_DOC_CLI_ROUND_LINE = "  {id}  {period} — {campaign}"
