"""One typed Settings object read from the environment and validated at start.

Everything has an embedded default so that `madoguchi chat` runs on a fresh machine with no
tokens: the console channel and a local SQLite file.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from .hours import AdvisorHours, HoursError

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_HOURS = "mon-fri 09:00-18:00"
DEFAULT_TIMEZONE = "Asia/Tokyo"


class ConfigError(ValueError):
    """A malformed environment variable; the message names it."""


@dataclass(frozen=True)
class LineSettings:
    channel_secret: str
    access_token: str
    api_base_url: str = "https://api.line.me"


@dataclass(frozen=True)
class TelegramSettings:
    token: str
    webhook_secret: str | None
    api_base_url: str = "https://api.telegram.org/bot"
    mode: str = "webhook"                       # or "polling" (the Procfile's worker)


_TELEGRAM_TOKEN = re.compile(r"^\d+:[A-Za-z0-9_-]+$")
_TELEGRAM_SECRET = re.compile(r"^[A-Za-z0-9_-]{1,256}$")


def _url(env: Mapping[str, str], name: str, default: str) -> str:
    value = env.get(name, default)
    if not value.startswith(("http://", "https://")):
        raise ConfigError(f"{name} must be an http:// or https:// URL, got {value!r}")
    return value.rstrip("/") if name == "LINE_API_BASE_URL" else value


def _line(env: Mapping[str, str]) -> LineSettings | None:
    secret, token = env.get("LINE_CHANNEL_SECRET", ""), env.get("LINE_CHANNEL_ACCESS_TOKEN", "")
    if not secret and not token:
        return None
    if not secret or not token:
        missing = "LINE_CHANNEL_SECRET" if not secret else "LINE_CHANNEL_ACCESS_TOKEN"
        raise ConfigError(f"{missing} is not set (LINE needs both the channel secret and the access token)")
    return LineSettings(secret, token, _url(env, "LINE_API_BASE_URL", "https://api.line.me"))


def _telegram(env: Mapping[str, str]) -> TelegramSettings | None:
    token = env.get("TELEGRAM_BOT_TOKEN", "")
    if not token:
        return None
    if not _TELEGRAM_TOKEN.match(token):
        raise ConfigError("TELEGRAM_BOT_TOKEN does not look like a bot token (digits:letters, from @BotFather)")
    mode = env.get("TELEGRAM_MODE", "webhook").lower()
    if mode not in ("webhook", "polling"):
        raise ConfigError(f"TELEGRAM_MODE must be webhook or polling, got {mode!r}")
    secret = env.get("TELEGRAM_WEBHOOK_SECRET") or None
    if secret is not None and not _TELEGRAM_SECRET.match(secret):
        raise ConfigError("TELEGRAM_WEBHOOK_SECRET must be 1-256 characters of A-Z, a-z, 0-9, _ and -")
    if mode == "webhook" and secret is None:
        raise ConfigError("TELEGRAM_WEBHOOK_SECRET is not set: webhook mode refuses updates it cannot verify")
    return TelegramSettings(token, secret, _url(env, "TELEGRAM_API_BASE_URL", "https://api.telegram.org/bot"), mode)


@dataclass(frozen=True)
class Settings:
    content_dir: Path = REPO_ROOT
    database_url: str = "sqlite:///madoguchi.db"
    port: int = 8000
    production: bool = False           # no message text in logs above DEBUG
    log_level: str = "INFO"
    cache_dir: Path | None = REPO_ROOT / ".cache"   # the trained model per content version; None: no cache
    advisor_hours: AdvisorHours = field(default_factory=lambda: AdvisorHours.parse(DEFAULT_HOURS, DEFAULT_TIMEZONE))
    web_processing: bool = True                 # serve answers events itself; off when a worker process does
    line: LineSettings | None = None            # None: the LINE webhook is not mounted
    telegram: TelegramSettings | None = None    # None: no Telegram

    @property
    def intents_dir(self) -> Path:
        return self.content_dir / "intents"

    @property
    def knowledge_dir(self) -> Path:
        return self.content_dir / "knowledge"

    @property
    def locales_dir(self) -> Path:
        return self.content_dir / "locales"

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> "Settings":
        env = os.environ if env is None else env
        values: dict[str, object] = {}
        if "MADOGUCHI_CONTENT_DIR" in env:
            path = Path(env["MADOGUCHI_CONTENT_DIR"])
            if not (path / "intents").is_dir():
                raise ConfigError(f"MADOGUCHI_CONTENT_DIR={path}: no intents/ folder there")
            values["content_dir"] = path
        if "DATABASE_URL" in env:
            url = env["DATABASE_URL"]
            if not url.startswith("sqlite:///") or url == "sqlite:///":
                # the scheme only: a URL may carry a password
                raise ConfigError(f"DATABASE_URL must be sqlite:///FILE (PostgreSQL is not supported yet), "
                                  f"got a {url.partition(':')[0] or 'malformed'} URL")
            values["database_url"] = url
        if "PORT" in env:
            try:
                port = int(env["PORT"])
            except ValueError:
                raise ConfigError(f"PORT must be a whole number, got {env['PORT']!r}") from None
            if not 0 < port < 65536:
                raise ConfigError(f"PORT must be between 1 and 65535, got {port}")
            values["port"] = port
        if "MADOGUCHI_ENV" in env:
            mode = env["MADOGUCHI_ENV"].lower()
            if mode not in ("production", "development"):
                raise ConfigError(f"MADOGUCHI_ENV must be production or development, got {mode!r}")
            values["production"] = mode == "production"
        if "MADOGUCHI_CACHE_DIR" in env:
            values["cache_dir"] = Path(env["MADOGUCHI_CACHE_DIR"]) if env["MADOGUCHI_CACHE_DIR"] else None
        if "LOG_LEVEL" in env:
            level = env["LOG_LEVEL"].upper()
            if level not in ("DEBUG", "INFO", "WARNING", "ERROR"):
                raise ConfigError(f"LOG_LEVEL must be DEBUG, INFO, WARNING or ERROR, got {level!r}")
            values["log_level"] = level
        if any(k in env for k in ("MADOGUCHI_ADVISOR_HOURS", "MADOGUCHI_TIMEZONE", "MADOGUCHI_HOLIDAYS")):
            try:
                values["advisor_hours"] = AdvisorHours.parse(env.get("MADOGUCHI_ADVISOR_HOURS", DEFAULT_HOURS),
                                                             env.get("MADOGUCHI_TIMEZONE", DEFAULT_TIMEZONE),
                                                             env.get("MADOGUCHI_HOLIDAYS", ""))
            except HoursError as exc:
                raise ConfigError(f"MADOGUCHI_ADVISOR_HOURS / MADOGUCHI_TIMEZONE / MADOGUCHI_HOLIDAYS: {exc}") from None
        if "MADOGUCHI_WEB_PROCESSING" in env:
            flag = env["MADOGUCHI_WEB_PROCESSING"].lower()
            if flag not in ("on", "off"):
                raise ConfigError(f"MADOGUCHI_WEB_PROCESSING must be on or off, got {flag!r}")
            values["web_processing"] = flag == "on"
        values["line"] = _line(env)
        values["telegram"] = _telegram(env)
        return cls(**values)
