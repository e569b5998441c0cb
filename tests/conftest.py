from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from watchkeeper.engine import Engine
from watchkeeper.policy import PolicyPack, load_pack
from watchkeeper.review import Store
from watchkeeper.settings import default_policy_dir

SHARED_DEV = Path(__file__).resolve().parents[2] / "shared" / "data" / "dev"


@pytest.fixture(scope="session")
def pack() -> PolicyPack:
    return load_pack(default_policy_dir())


@pytest.fixture(scope="session")
def engine() -> Engine:
    return Engine.load()


@pytest.fixture(scope="session")
def rules_engine() -> Engine:
    """The rules and link/contact tiers only (no models)."""
    return Engine.load(detectors=["rules", "links"])


@pytest.fixture
def pack_copy(tmp_path: Path) -> Path:
    """A writable copy of the default pack (to break or extend in a test)."""
    dst = tmp_path / "pack"
    shutil.copytree(default_policy_dir(), dst)
    return dst


# --- databases: store and service tests run against SQLite and PostgreSQL -------------------------
PG_ADMIN = os.environ.get("WATCHKEEPER_TEST_PG", "postgresql://postgres@127.0.0.1:5432/postgres")


def _pg_database() -> Iterator[str]:
    import psycopg

    name = f"wk_test_{uuid.uuid4().hex[:12]}"
    try:
        admin = psycopg.connect(PG_ADMIN, autocommit=True, connect_timeout=5)
    except psycopg.OperationalError as exc:
        pytest.fail(f"PostgreSQL is not reachable at {PG_ADMIN} ({exc}); start it (see .ci/run)")
    with admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    base = PG_ADMIN.rsplit("/", 1)[0].replace("postgresql://", "postgresql+psycopg://")
    try:
        yield f"{base}/{name}"
    finally:
        with psycopg.connect(PG_ADMIN, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'wk.db'}"
    else:
        yield from _pg_database()


@pytest.fixture
def store(db_url: str) -> Iterator[Store]:
    s = Store.open(db_url)
    yield s
    s.close()


@pytest.fixture(autouse=True)
def _default_database(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Code that opens the default database (e.g. the hashes detector's bank index) opens a temporary
    one, never ./watchkeeper.db in the checkout."""
    monkeypatch.setenv("WATCHKEEPER_DATABASE_URL", f"sqlite:///{tmp_path / 'default.db'}")
