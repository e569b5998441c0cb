from __future__ import annotations

import pytest

from watchkeeper.errors import SettingsError
from watchkeeper.settings import default_policy_dir, load_settings


def test_defaults() -> None:
    s = load_settings()
    assert s.policy_dir == default_policy_dir()
    assert (s.policy_dir / "pack.yaml").is_file()


def test_bad_values_fail_fast(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("WATCHKEEPER_DETECTOR_TIMEOUT_S", "-1")
    with pytest.raises(SettingsError, match="detector_timeout_s"):
        load_settings()


def test_environment_overrides(monkeypatch: pytest.MonkeyPatch, tmp_path) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("WATCHKEEPER_POLICY_DIR", str(tmp_path))
    monkeypatch.setenv("WATCHKEEPER_DETECTORS", '["rules"]')
    s = load_settings()
    assert s.policy_dir == tmp_path
    assert s.detectors == ["rules"]
