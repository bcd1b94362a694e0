import unicodedata
from datetime import date, time

import pytest

from schedules.vndates import DateInputError, normalize, parse_user_date, parse_user_period, parse_user_time

TODAY = date(2024, 1, 10)


def nfd(text: str) -> str:
    return unicodedata.normalize("NFD", text)


def reason_of(text: str, today: date = TODAY) -> str:
    with pytest.raises(DateInputError) as info:
        parse_user_date(text, today=today)
    return info.value.reason


# --- accepted shapes ----------------------------------------------------------------------------------------

@pytest.mark.parametrize("text", [
    "25/1", "25/01", "25/01/2024", "25-1-2024", "25.1.2024", "25/1/24", "25 / 1 / 2024",
    "ngày 25 tháng 1", "ngày 25 tháng 1 năm 2024", "25 tháng 1 năm 2024", "25 tháng 1", "ngày 25/1",
    "Ngày 25 tháng 1", "NGÀY 25 THÁNG 01 NĂM 2024", "  ngày   25  tháng 1  ",
    "ngay 25 thang 1", "ngay 25 thang 1 nam 2024", "25 thang 1 nam 24",
    nfd("ngày 25 tháng 1"), nfd("Ngày 25 tháng 1 năm 2024"),
    "ngày\u00a025\u00a0tháng\u00a01",   # non-breaking spaces pasted from a document
])
def test_accepted_shapes(text):
    assert parse_user_date(text, today=TODAY) == date(2024, 1, 25)


def test_nfd_input_really_is_decomposed():
    assert nfd("ngày") != "ngày"
    assert parse_user_date(nfd("ngày 5 tháng 2"), today=TODAY) == date(2024, 2, 5)


def test_mung_prefix():
    assert parse_user_date("mùng 5 tháng 2", today=TODAY) == date(2024, 2, 5)
    assert parse_user_date("mồng 5 tháng 2", today=TODAY) == date(2024, 2, 5)


def test_normalize():
    assert normalize("  Ngày 25  THÁNG 1 ") == "ngay 25 thang 1"
    assert normalize("Đợt đánh giá") == "dot danh gia"
    assert normalize(None) == ""


# --- the year of a year-less date -----------------------------------------------------------------------------

@pytest.mark.parametrize("text, today, expected", [
    ("15/1", date(2026, 11, 22), date(2027, 1, 15)),    # upcoming, next year
    ("20/11", date(2026, 11, 22), date(2026, 11, 20)),  # 2 days ago: stays in the past
    ("22/11", date(2026, 11, 22), date(2026, 11, 22)),  # today
    ("23/9", date(2026, 11, 22), date(2026, 9, 23)),    # 60 days ago: still the past one
    ("22/9", date(2026, 11, 22), date(2027, 9, 22)),    # 61 days ago: the upcoming one
    ("10/12", date(2027, 1, 5), date(2026, 12, 10)),    # last December, 26 days ago
    ("10/3", date(2027, 1, 5), date(2027, 3, 10)),
    ("29/2", date(2027, 12, 1), date(2028, 2, 29)),     # leap year ahead
])
def test_yearless_rule(text, today, expected):
    assert parse_user_date(text, today=today) == expected


def test_yearless_29_february_in_a_common_year_is_impossible():
    assert reason_of("29/2", today=date(2026, 11, 22)) == "impossible"


# --- refusals -------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("text", ["", "   ", None])
def test_empty(text):
    assert reason_of(text) == "empty"


@pytest.mark.parametrize("text", [
    "mai", "25", "25/1/202", "25/1/2024/1", "ngày hai lăm", "25 tháng", "1/2/3/4", "abc 25/1", "25//1",
])
def test_unreadable(text):
    assert reason_of(text) == "unreadable"


@pytest.mark.parametrize("text", [
    "31/02", "30/2", "32/1", "25/13", "0/1", "1/0", "31/4/2024", "29/02/2023", "31 tháng 2 năm 2024",
])
def test_impossible(text):
    assert reason_of(text) == "impossible"


def test_29_february_of_a_leap_year_is_accepted():
    assert parse_user_date("29/02/2024", today=TODAY) == date(2024, 2, 29)


@pytest.mark.parametrize("text", ["25/1/1999", "25/1/2099", "25/1/99", "1/1/2035"])
def test_year_out_of_range(text):
    assert reason_of(text) == "year_out_of_range"


def test_year_window_edges():
    assert parse_user_date("1/1/2034", today=TODAY) == date(2034, 1, 1)
    assert parse_user_date("1/1/2014", today=TODAY) == date(2014, 1, 1)


def test_error_is_a_value_error_with_the_reason_as_message():
    error = DateInputError("impossible")
    assert isinstance(error, ValueError) and str(error) == "impossible"


# --- times ----------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("text, expected", [
    ("8:00", time(8, 0)), ("08:00", time(8, 0)), ("20:15", time(20, 15)), ("8 : 05", time(8, 5)),
    ("8h", time(8, 0)), ("8H", time(8, 0)), ("08h30", time(8, 30)), ("8h 30", time(8, 30)), ("8g30", time(8, 30)),
    ("8 giờ", time(8, 0)), ("8 giờ 30", time(8, 30)), ("8 giờ 30 phút", time(8, 30)), ("8 gio 30", time(8, 30)),
    (nfd("8 giờ 30"), time(8, 30)), ("8h30p", time(8, 30)),
    ("3 giờ chiều", time(15, 0)), ("7h tối", time(19, 0)), ("8h sáng", time(8, 0)), ("14h chiều", time(14, 0)),
])
def test_parse_user_time(text, expected):
    assert parse_user_time(text) == expected


@pytest.mark.parametrize("text, reason", [
    ("", "empty"), ("sáng", "unreadable"), ("tám giờ", "unreadable"), ("8", "unreadable"),
    ("25:00", "impossible"), ("8:60", "impossible"), ("24h", "impossible"),
])
def test_parse_user_time_refusals(text, reason):
    with pytest.raises(DateInputError) as info:
        parse_user_time(text)
    assert info.value.reason == reason


# --- periods ------------------------------------------------------------------------------------------------

PERIOD_TODAY = date(2026, 12, 2)


@pytest.mark.parametrize("typed, period", [
    ("từ 1/1/2027 đến 25/5/2027", (date(2027, 1, 1), date(2027, 5, 25))),
    ("1/1/2027 – 25/5/2027", (date(2027, 1, 1), date(2027, 5, 25))),
    ("1/1/2027 tới 25/5/2027", (date(2027, 1, 1), date(2027, 5, 25))),
    ("05-09-2026-31-05-2027", (date(2026, 9, 5), date(2027, 5, 31))),
    ("từ ngày 1/1/2027 đến hết ngày 25/5/2027", (date(2027, 1, 1), date(2027, 5, 25))),
    ("Từ ngày 5 tháng 9 năm 2026 đến ngày 31 tháng 5 năm 2027", (date(2026, 9, 5), date(2027, 5, 31))),
    ("đến hết tháng 5/2027", (None, date(2027, 5, 31))),
    ("đến 31/5/2027", (None, date(2027, 5, 31))),
    ("từ 1/1/2027 đến hết tháng 5", (date(2027, 1, 1), date(2027, 5, 31))),
    ("từ 15/12 đến 20/1", (date(2026, 12, 15), date(2027, 1, 20))),    # a yearless end after the start
    ("Thời gian thực hiện: từ 1/1/2027 đến 25/5/2027", (date(2027, 1, 1), date(2027, 5, 25))),
])
def test_parse_user_period(typed, period):
    assert parse_user_period(typed, today=PERIOD_TODAY) == period


@pytest.mark.parametrize("typed, reason", [
    ("từ 31/2/2027 đến 1/3/2027", "impossible"), ("1/1/2027 đến 32/5/2027", "impossible"),
    ("đến hết tháng 13/2027", "impossible"), ("cả năm", "unreadable"), ("", "empty"),
])
def test_parse_user_period_refuses(typed, reason):
    with pytest.raises(DateInputError) as exc:
        parse_user_period(typed, today=PERIOD_TODAY)
    assert exc.value.reason == reason
