from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from watchkeeper.engine import Engine
from watchkeeper.policy import PolicyPack, load_pack
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
