import pytest

from hall.adapters.database import make_engine
from hall.adapters.migrate import upgrade


@pytest.fixture(params=["sqlite", "postgresql"])
def engine(request, tmp_path):
    """An empty, migrated database on real SQLite and (when present) real PostgreSQL."""
    url = (f"sqlite:///{tmp_path / 'adapters.sqlite3'}" if request.param == "sqlite"
           else request.getfixturevalue("pg_url"))
    eng = make_engine(url)
    upgrade(eng)
    yield eng
    eng.dispose()
