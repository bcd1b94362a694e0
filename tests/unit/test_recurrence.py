from datetime import date

import pytest

from db.models import Recurrence
from schedules.recurrence import (
    PeriodInstance, day_of_last_month, days_after_end, half_year_label, period_instances, quarter_label, quarter_of,
)


def summary(instances):
    return [(i.label, i.period_start, i.period_end, i.due_date, i.partial) for i in instances]


@pytest.mark.parametrize("d, q", [
    (date(2024, 1, 1), 1), (date(2024, 3, 31), 1), (date(2024, 4, 1), 2),
    (date(2024, 9, 30), 3), (date(2024, 10, 1), 4), (date(2024, 12, 31), 4),
])
def test_quarter_of(d, q):
    assert quarter_of(d) == q


def test_quarter_label_uses_roman_numerals():
    labels = [quarter_label(2024, q) for q in (1, 2, 3, 4)]
    assert labels == ["Quý I/2024", "Quý II/2024", "Quý III/2024", "Quý IV/2024"]
    with pytest.raises(ValueError):
        quarter_label(2024, 5)


def test_half_year_labels():
    assert half_year_label(2024, 1) == "6 tháng đầu năm 2024"
    assert half_year_label(2024, 2) == "6 tháng cuối năm 2024"


def test_quarters_of_2024():
    assert summary(period_instances("quarter", date(2024, 1, 1), date(2024, 12, 31))) == [
        ("Quý I/2024", date(2024, 1, 1), date(2024, 3, 31), date(2024, 3, 31), False),
        ("Quý II/2024", date(2024, 4, 1), date(2024, 6, 30), date(2024, 6, 30), False),
        ("Quý III/2024", date(2024, 7, 1), date(2024, 9, 30), date(2024, 9, 30), False),
        ("Quý IV/2024", date(2024, 10, 1), date(2024, 12, 31), date(2024, 12, 31), False),
    ]


def test_school_year_by_quarter_keeps_the_partial_edges():
    assert summary(period_instances("quarter", date(2023, 9, 5), date(2024, 7, 31))) == [
        ("Quý III/2023", date(2023, 9, 5), date(2023, 9, 30), date(2023, 9, 30), True),
        ("Quý IV/2023", date(2023, 10, 1), date(2023, 12, 31), date(2023, 12, 31), False),
        ("Quý I/2024", date(2024, 1, 1), date(2024, 3, 31), date(2024, 3, 31), False),
        ("Quý II/2024", date(2024, 4, 1), date(2024, 6, 30), date(2024, 6, 30), False),
        ("Quý III/2024", date(2024, 7, 1), date(2024, 7, 31), date(2024, 7, 31), True),
    ]


def test_school_year_by_half_year():
    assert summary(period_instances("half_year", date(2023, 9, 5), date(2024, 7, 31))) == [
        ("6 tháng cuối năm 2023", date(2023, 9, 5), date(2023, 12, 31), date(2023, 12, 31), True),
        ("6 tháng đầu năm 2024", date(2024, 1, 1), date(2024, 6, 30), date(2024, 6, 30), False),
        ("6 tháng cuối năm 2024", date(2024, 7, 1), date(2024, 7, 31), date(2024, 7, 31), True),
    ]


def test_months_including_a_leap_february():
    instances = period_instances("month", date(2024, 1, 1), date(2024, 3, 31))
    assert [(i.label, i.due_date) for i in instances] == [
        ("Tháng 1/2024", date(2024, 1, 31)),
        ("Tháng 2/2024", date(2024, 2, 29)),
        ("Tháng 3/2024", date(2024, 3, 31)),
    ]


def test_months_across_the_new_year():
    labels = [i.label for i in period_instances("month", date(2023, 11, 15), date(2024, 1, 10))]
    assert labels == ["Tháng 11/2023", "Tháng 12/2023", "Tháng 1/2024"]


def test_years():
    assert summary(period_instances("year", date(2023, 9, 1), date(2024, 5, 31))) == [
        ("Năm 2023", date(2023, 9, 1), date(2023, 12, 31), date(2023, 12, 31), True),
        ("Năm 2024", date(2024, 1, 1), date(2024, 5, 31), date(2024, 5, 31), True),
    ]


def test_a_single_day_range():
    assert summary(period_instances("quarter", date(2024, 5, 5), date(2024, 5, 5))) == [
        ("Quý II/2024", date(2024, 5, 5), date(2024, 5, 5), date(2024, 5, 5), True),
    ]


def test_accepts_the_recurrence_enum():
    assert len(period_instances(Recurrence.quarter, date(2024, 1, 1), date(2024, 12, 31))) == 4


def test_due_offset_days_after_the_period_end():
    dues = [i.due_date for i in period_instances("quarter", date(2024, 1, 1), date(2024, 12, 31), due_offset_days=10)]
    assert dues == [date(2024, 4, 10), date(2024, 7, 10), date(2024, 10, 10), date(2025, 1, 10)]


def test_due_rule_days_after_end_equals_the_offset():
    by_rule = period_instances("month", date(2024, 1, 1), date(2024, 6, 30), due_rule=days_after_end(5))
    by_offset = period_instances("month", date(2024, 1, 1), date(2024, 6, 30), due_offset_days=5)
    assert by_rule == by_offset


def test_due_rule_fixed_day_of_the_last_month():
    dues = [i.due_date for i in period_instances("quarter", date(2024, 1, 1), date(2024, 12, 31),
                                                 due_rule=day_of_last_month(25))]
    assert dues == [date(2024, 3, 25), date(2024, 6, 25), date(2024, 9, 25), date(2024, 12, 25)]


def test_due_rule_fixed_day_is_clamped_to_the_month_length():
    (feb,) = period_instances("month", date(2023, 2, 1), date(2023, 2, 28), due_rule=day_of_last_month(30))
    assert feb.due_date == date(2023, 2, 28)


def test_period_instance_positional_fields():
    assert PeriodInstance("Năm 2024", date(2024, 1, 1), date(2024, 12, 31), date(2024, 12, 31)).partial is False


@pytest.mark.parametrize("args, kwargs", [
    (("none", date(2024, 1, 1), date(2024, 12, 31)), {}),
    (("week", date(2024, 1, 1), date(2024, 12, 31)), {}),
    (("month", date(2024, 12, 31), date(2024, 1, 1)), {}),
    (("month", date(2024, 1, 1), date(2024, 2, 1)), {"due_offset_days": 3, "due_rule": days_after_end(1)}),
])
def test_refuses_bad_arguments(args, kwargs):
    with pytest.raises(ValueError):
        period_instances(*args, **kwargs)


def test_day_of_last_month_refuses_day_32():
    with pytest.raises(ValueError):
        day_of_last_month(32)
