"""Issuing rules: opening hours in the hall's time zone, daily quotas, business dates."""
import datetime as dt

import pytest

from hall.domain.errors import CategoryClosed, QuotaExhausted
from hall.domain.issuing import business_date, check_can_issue, estimated_wait_s, mask_name, state_of
from hall.domain.model import Category

SH = "Asia/Shanghai"
UTC = dt.timezone.utc
CAT = Category(code="A", name="不动产登记", zone="BDC", daily_quota=3,
               hours=((dt.time(8, 30), dt.time(12, 0)), (dt.time(13, 30), dt.time(17, 30))))


def local(h, m=0):
    """A time on 2026-11-23 in Shanghai, as UTC."""
    return dt.datetime(2026, 11, 23, h, m, tzinfo=dt.timezone(dt.timedelta(hours=8))).astimezone(UTC)


@pytest.mark.parametrize("when, state", [
    (local(8, 29), "closed"), (local(8, 30), "open"), (local(11, 59), "open"), (local(12, 0), "closed"),
    (local(13, 30), "open"), (local(17, 30), "closed"), (local(23, 0), "closed"),
])
def test_hours_are_read_in_the_halls_time_zone(when, state):
    assert state_of(CAT, when, SH, issued_today=0) == state


def test_closed_category_says_when_it_opens():
    with pytest.raises(CategoryClosed) as e:
        check_can_issue(CAT, local(7), SH, 0)
    assert e.value.details["hours"] == ["08:30-12:00", "13:30-17:30"]


def test_quota_counts_the_days_tickets():
    check_can_issue(CAT, local(9), SH, 2)
    with pytest.raises(QuotaExhausted):
        check_can_issue(CAT, local(9), SH, 3)
    assert state_of(CAT, local(9), SH, 3) == "quota_exhausted"


def test_no_hours_means_always_open():
    assert state_of(Category("K", "咨询", "ZH"), local(3), SH, 10**6) == "open"


def test_business_date_turns_at_local_midnight_not_utc():
    assert business_date(dt.datetime(2026, 11, 22, 16, 30, tzinfo=UTC), SH) == dt.date(2026, 11, 23)
    assert business_date(dt.datetime(2026, 11, 22, 15, 59, tzinfo=UTC), SH) == dt.date(2026, 11, 22)


def test_estimated_wait_shares_people_ahead_among_open_windows():
    assert estimated_wait_s(0, 600, 2) == 0
    assert estimated_wait_s(4, 600, 2) == 1200
    assert estimated_wait_s(3, None, 0) == 900  # no figures yet, no window open: a first guess


@pytest.mark.parametrize("name, masked", [("张三", "张*"), ("张小三", "张*三"), ("欧阳娜娜", "欧**娜"), ("王", "王"),
                                          (" 李四 ", "李*")])
def test_names_are_masked_for_printing(name, masked):
    assert mask_name(name) == masked
