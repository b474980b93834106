"""Settings: a generated secret kept in the data directory, weak secrets refused."""

from pathlib import Path

import pytest
from pydantic import ValidationError

from casetracker.core.settings import Settings


def test_it_generates_a_secret_once_and_keeps_it(tmp_path: Path) -> None:
    first = Settings(data_dir=tmp_path, secret_key="").resolved_secret_key()
    again = Settings(data_dir=tmp_path, secret_key="").resolved_secret_key()
    assert first == again
    assert len(first) >= 32
    assert (tmp_path / "secret_key").stat().st_mode & 0o777 == 0o600


@pytest.mark.parametrize("weak", ["changeme", "short-secret"])
def test_it_refuses_a_weak_secret(weak: str) -> None:
    with pytest.raises(ValidationError, match="太弱"):
        Settings(secret_key=weak)


def test_the_default_database_is_a_sqlite_file_in_the_data_dir(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path, database_url="")
    assert settings.resolved_database_url == f"sqlite:///{tmp_path.resolve()}/casetracker.db"


def test_there_is_no_time_zone_setting(monkeypatch: pytest.MonkeyPatch) -> None:
    """Legal deadlines run on China's calendar: Asia/Shanghai is fixed (core/clock.py)."""
    monkeypatch.setenv("CASETRACKER_TIMEZONE", "Europe/Berlin")
    settings = Settings()
    assert not hasattr(settings, "timezone")
    assert not hasattr(settings, "tz")
