"""Zones and categories cached between transactions never hide a layout change, from this
process or another, and never keep a change that was rolled back."""
import pytest

from hall.adapters.repository import HallSettings, LayoutCache
from hall.adapters.unit_of_work import UnitOfWork
from hall.domain.model import Category, Zone

SETTINGS = HallSettings("测试大厅", "Asia/Shanghai", "请{number}号到{window}号窗口", "")


@pytest.fixture(autouse=True)
def layout(engine):
    with UnitOfWork(engine) as uow:
        uow.layout.save_settings(SETTINGS)
        uow.layout.save_zone(Zone("Z", "综合区"))
        uow.layout.save_category(Category("A", "社保", "Z"))
        uow.commit()


def read(engine, cache):
    with UnitOfWork(engine, cache) as uow:
        return uow.layout.category("A"), [z.name for z in uow.layout.zones()], uow.layout.categories()


def test_a_change_by_another_process_shows_in_the_next_transaction(engine):
    cache = LayoutCache()
    assert read(engine, cache)[0].name == "社保"
    with UnitOfWork(engine) as other:   # another node, or `hall init`, with its own cache
        other.layout.save_category(Category("A", "社会保险", "Z", daily_quota=300))
        other.layout.save_zone(Zone("Z", "综合受理区"))
        other.layout.save_category(Category("B", "公积金", "Z"))
        other.commit()
    category, zones, categories = read(engine, cache)
    assert (category.name, category.daily_quota, zones) == ("社会保险", 300, ["综合受理区"])
    assert [c.code for c in categories] == ["A", "B"]


def test_a_rolled_back_change_is_not_kept(engine):
    cache = LayoutCache()
    read(engine, cache)
    with UnitOfWork(engine, cache) as uow:
        uow.layout.save_category(Category("A", "改了又撤销", "Z"))
        assert uow.layout.category("A").name == "改了又撤销"   # this transaction sees its own change
        uow.layout.zones()
    assert read(engine, cache)[0].name == "社保"


def test_cached_entries_are_served_without_reading_them_again(engine):
    cache = LayoutCache()
    first = read(engine, cache)
    second = read(engine, cache)
    assert second[0] is first[0]
