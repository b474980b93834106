"""Settings from the environment or `.env`, all prefixed `CASETRACKER_`."""

import secrets
from functools import lru_cache
from pathlib import Path

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

WEAK_SECRETS = {"changeme", "secret", "change-me", "casetracker", "password"}
MIN_SECRET_LENGTH = 32


class Settings(BaseSettings):
    """One place for every knob; later capabilities add theirs here."""

    model_config = SettingsConfigDict(
        env_prefix="CASETRACKER_", env_file=".env", env_file_encoding="utf-8", extra="ignore"
    )

    data_dir: Path = Path("data")
    database_url: str = ""
    secret_key: str = ""
    default_locale: str = "zh_CN"
    # Roles that see resident ID numbers whole (each such view is audited).
    id_full_view_roles: list[str] = Field(default_factory=lambda: ["admin"])
    session_max_age_seconds: int = 12 * 3600
    cookie_secure: bool = False
    login_max_failures: int = 5
    login_lockout_minutes: int = 15
    # Printed on filing packets: our company (the legal employer of dispatched staff) and
    # the address the QR code on a packet's cover points to.
    # Unset, the packets leave the employer's boxes empty and the app says so (start-up log,
    # case page) instead of printing a sample company.
    company_name: str = ""
    company_credit_code: str = ""
    base_url: str = "http://127.0.0.1:8000"
    # Placeholders that the alerts capability fills.
    smtp_host: str = ""
    smtp_port: int = 587
    smtp_user: str = ""
    smtp_password: str = ""
    smtp_from: str = ""
    webhook_url: str = ""

    @field_validator("secret_key")
    @classmethod
    def _refuse_weak_secret(cls, value: str) -> str:
        if value and (value.lower() in WEAK_SECRETS or len(value) < MIN_SECRET_LENGTH):
            raise ValueError(
                f"CASETRACKER_SECRET_KEY 太弱：至少 {MIN_SECRET_LENGTH} 个随机字符，"
                "或留空由系统生成并保存在数据目录中"
            )
        return value

    @property
    def resolved_database_url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite:///{(self.data_dir / 'casetracker.db').resolve()}"

    def resolved_secret_key(self) -> str:
        """The configured key, else one generated once and kept in the data directory."""
        if self.secret_key:
            return self.secret_key
        path = self.data_dir / "secret_key"
        if path.exists():
            return path.read_text(encoding="utf-8").strip()
        self.data_dir.mkdir(parents=True, exist_ok=True)
        key = secrets.token_urlsafe(48)
        # O_EXCL: when several workers start at once, one writes and the others read.
        try:
            with path.open("x", encoding="utf-8") as fh:
                fh.write(key)
            path.chmod(0o600)
        except FileExistsError:
            return path.read_text(encoding="utf-8").strip()
        return key


@lru_cache
def get_settings() -> Settings:
    return Settings()
