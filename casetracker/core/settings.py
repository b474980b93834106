"""Settings from the environment or `.env`, all prefixed `CASETRACKER_`."""

import secrets
from datetime import time
from functools import lru_cache
from pathlib import Path

from pydantic import Field, ValidationInfo, field_validator
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
    # Alerts (casetracker.alerts): the scan, the senders and their channels.
    scheduler: str = "on"  # "off": `serve` runs no scan in-process (a separate scheduler does)
    alert_scan_seconds: int = Field(60, ge=1)
    alert_lease_seconds: int = Field(300, ge=1)
    alert_retry_seconds: int = Field(60, ge=1)
    alert_max_attempts: int = Field(10, ge=1)
    quiet_hours: str = "22:00-07:30"
    smtp_host: str = ""
    smtp_port: int = 587
    smtp_user: str = ""
    smtp_password: str = ""
    smtp_from: str = ""
    smtp_starttls: bool = True
    webhook_url: str = ""
    webhook_kind: str = "wecom"  # wecom | dingtalk | feishu
    webhook_secret: str = ""
    webhook_per_minute: int = Field(20, ge=1)
    daily_summary_at: str = "08:30"

    @field_validator("secret_key")
    @classmethod
    def _refuse_weak_secret(cls, value: str) -> str:
        if value and (value.lower() in WEAK_SECRETS or len(value) < MIN_SECRET_LENGTH):
            raise ValueError(
                f"CASETRACKER_SECRET_KEY 太弱：至少 {MIN_SECRET_LENGTH} 个随机字符，"
                "或留空由系统生成并保存在数据目录中"
            )
        return value

    @field_validator("quiet_hours", "daily_summary_at")
    @classmethod
    def _refuse_unreadable_times(cls, value: str, info: ValidationInfo) -> str:
        parts = [] if value.strip().lower() in ("", "off", "none") else value.split("-")
        if info.field_name == "daily_summary_at" and len(parts) > 1:
            raise ValueError("CASETRACKER_DAILY_SUMMARY_AT 应为 HH:MM，例如 08:30，或 off")
        if info.field_name == "quiet_hours" and len(parts) not in (0, 2):
            raise ValueError("CASETRACKER_QUIET_HOURS 应为 HH:MM-HH:MM，例如 22:00-07:30，或 off")
        for part in parts:
            try:
                time.fromisoformat(part.strip())
            except ValueError:
                raise ValueError(f"无法识别的时间 {part.strip()!r}（应为 HH:MM）") from None
        return value

    @field_validator("webhook_kind")
    @classmethod
    def _known_robot(cls, value: str) -> str:
        if value.strip().lower() not in ("wecom", "dingtalk", "feishu"):
            raise ValueError("CASETRACKER_WEBHOOK_KIND 应为 wecom、dingtalk 或 feishu")
        return value.strip().lower()

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
