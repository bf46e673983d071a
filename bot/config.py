"""Settings from the environment or .env; every one is documented in .env.example."""

from __future__ import annotations

import ipaddress
from pathlib import Path
from typing import Annotated, Literal
from urllib.parse import urlsplit

from pydantic import AliasChoices, Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

# Loopback and the private ranges (RFC 1918, unique local IPv6): a reverse proxy on this
# machine, or reaching a container through Docker's bridge.
DEFAULT_TRUSTED_PROXIES = (
    "127.0.0.0/8",
    "::1/128",
    "10.0.0.0/8",
    "172.16.0.0/12",
    "192.168.0.0/16",
    "fc00::/7",
)


def _async_url(url: str) -> str:
    """Accept the usual URL forms and pick the async driver the bot uses."""
    for plain, driver in (
        ("postgresql://", "postgresql+asyncpg://"),
        ("postgres://", "postgresql+asyncpg://"),
        ("sqlite:///", "sqlite+aiosqlite:///"),
    ):
        if url.startswith(plain):
            return driver + url[len(plain) :]
    return url


def _webhook_url_ok(url: str) -> bool:
    """An HTTPS URL with a host; plain HTTP only to this machine, where a local fake of the
    platform (tests, trials) is the only thing that can call it anyway."""
    parts = urlsplit(url)
    if not parts.hostname or parts.scheme not in ("https", "http"):
        return False
    if parts.scheme == "https" or parts.hostname == "localhost":
        return True
    try:
        return ipaddress.ip_address(parts.hostname).is_loopback
    except ValueError:
        return False


class ConfigurationError(Exception):
    """A setting is missing or refused; the message says which, for the operator."""


class Settings(BaseSettings):
    """Runtime settings of the bot and its tools."""

    model_config = SettingsConfigDict(env_file=".env", env_file_encoding="utf-8", extra="ignore")

    database_url: str = Field(default="sqlite+aiosqlite:///data/quizbot.db")
    redis_url: str | None = None
    redis_prefix: str = "quizbot"
    contest_file: Path = Path("contest.yaml")
    # Where the results files organisers are told of are kept on the server (the per-answer
    # detail of a round, a workbook too large to send by chat).
    results_dir: Path = Path("data/results")
    log_level: str = "INFO"
    # "json": one JSON object per line (time, level, logger, message, an update's channel,
    # kind and outcome) for a log collector; "text" for people reading a terminal or journal.
    log_format: Literal["text", "json"] = "text"

    telegram_bot_token: SecretStr | None = None
    telegram_mode: Literal["polling", "webhook"] = "polling"
    telegram_api_base: str = "https://api.telegram.org"
    telegram_admin_ids: Annotated[list[int], NoDecode] = Field(default_factory=list)
    telegram_webhook_url: str = ""
    telegram_webhook_path: str = "/telegram/webhook"
    telegram_webhook_secret: SecretStr | None = None
    telegram_announce_chat: str = ""
    telegram_broadcast_rate: float = Field(default=25.0, gt=0, le=30)
    # Every message the bot sends, replies and broadcasts together (bot/pacer.py).
    telegram_send_rate: float = Field(default=28.0, gt=0, le=30)
    # Paid broadcasts (allow_paid_broadcast): an organiser may send an announcement faster
    # than 30 a second for 0.1 Stars a message, within a budget per broadcast (.env.example).
    telegram_paid_broadcast: bool = False
    telegram_paid_broadcast_rate: float = Field(default=250.0, gt=30, le=1000)
    telegram_paid_broadcast_stars_budget: int = Field(default=1000, ge=1)

    zalo_bot_token: SecretStr | None = None
    zalo_mode: Literal["polling", "webhook"] = "polling"
    zalo_api_base: str = "https://bot-api.zaloplatforms.com"
    zalo_webhook_url: str = ""
    zalo_webhook_path: str = "/zalo/webhook"
    zalo_webhook_secret: SecretStr | None = None
    # The Zalo Bot Platform publishes no sending limit; see .env.example for why 5.
    zalo_broadcast_rate: float = Field(default=5.0, gt=0, le=30)
    zalo_send_rate: float = Field(default=20.0, gt=0, le=100)

    # The one web server: public page, dashboard, /healthz /readyz /metrics and the webhooks,
    # behind the TLS reverse proxy on the same machine: not reachable from elsewhere by default.
    # WEBHOOK_HOST/WEBHOOK_PORT are the names it had when it served only the webhooks.
    web_host: str = Field(
        default="127.0.0.1", validation_alias=AliasChoices("web_host", "webhook_host")
    )
    web_port: int = Field(
        default=8080, ge=1, le=65535, validation_alias=AliasChoices("web_port", "webhook_port")
    )
    # The address people reach the web server at (behind the reverse proxy); the links the
    # bot prints (dashboard sign-in, QR codes, the embeddable banner) start with it.
    public_base_url: str = ""
    # The bot's link as Zalo shows it for sharing; the public page offers it with a QR code.
    zalo_bot_link: str = ""
    # Peers whose X-Forwarded-For is believed (the reverse proxy): networks, comma-separated.
    # The default, loopback and the private ranges, fits a proxy on this machine or in front
    # of Docker; narrow it where other hosts of the private network can reach the bot.
    web_trusted_proxies: Annotated[list[str], NoDecode] = Field(
        default_factory=lambda: list(DEFAULT_TRUSTED_PROXIES)
    )

    flood_limit: int = Field(default=30, ge=1)
    flood_window: int = Field(default=10, ge=1)
    sweep_seconds: float = Field(default=30.0, gt=0)
    reminder_days: Annotated[list[int], NoDecode] = Field(default_factory=lambda: [3, 1])
    leader_ttl_seconds: float = Field(default=15.0, ge=1)

    @field_validator("database_url")
    @classmethod
    def _driver(cls, value: str) -> str:
        return _async_url(value)

    @field_validator("web_trusted_proxies", mode="before")
    @classmethod
    def _networks(cls, value: object) -> object:
        if isinstance(value, str):
            value = [part.strip() for part in value.replace(";", ",").split(",") if part.strip()]
            value = value or list(DEFAULT_TRUSTED_PROXIES)
        if isinstance(value, list):
            for network in value:
                ipaddress.ip_network(network, strict=False)
        return value

    @field_validator("telegram_admin_ids", "reminder_days", mode="before")
    @classmethod
    def _id_list(cls, value: object) -> object:
        if isinstance(value, str):
            return [int(part) for part in value.replace(";", ",").split(",") if part.strip()]
        return value

    @field_validator(
        "telegram_bot_token",
        "telegram_webhook_secret",
        "zalo_bot_token",
        "zalo_webhook_secret",
        mode="before",
    )
    @classmethod
    def _empty_secret(cls, value: object) -> object:
        return value or None

    def check_channels(self) -> None:
        """Refuse, before anything starts, a channel set up only half-way."""
        if not self.telegram_bot_token and not self.zalo_bot_token:
            raise ConfigurationError(
                "no channel configured: set TELEGRAM_BOT_TOKEN or ZALO_BOT_TOKEN"
            )
        for name, token, mode, url, secret in (
            (
                "TELEGRAM",
                self.telegram_bot_token,
                self.telegram_mode,
                self.telegram_webhook_url,
                self.telegram_webhook_secret,
            ),
            (
                "ZALO",
                self.zalo_bot_token,
                self.zalo_mode,
                self.zalo_webhook_url,
                self.zalo_webhook_secret,
            ),
        ):
            if token and mode == "webhook" and (not url or secret is None):
                raise ConfigurationError(
                    f"{name}_MODE=webhook needs {name}_WEBHOOK_URL and {name}_WEBHOOK_SECRET"
                )
            if token and mode == "webhook" and not _webhook_url_ok(url):
                raise ConfigurationError(
                    f"{name}_WEBHOOK_URL must be an https:// address, the only kind the platform"
                    f" calls (it is {url!r})"
                )

    def public_url(self) -> str:
        """The web server's public address without a trailing slash (PUBLIC_BASE_URL, or
        where it listens when that is unset)."""
        return (self.public_base_url or f"http://{self.web_host}:{self.web_port}").rstrip("/")

    def admin_keys(self) -> frozenset[str]:
        """The organisers' accounts, as engine user keys."""
        return frozenset(f"telegram:{i}" for i in self.telegram_admin_ids)

    def announce_keys(self) -> frozenset[str]:
        """The announcement chat (TELEGRAM_ANNOUNCE_CHAT), as an engine user key, if set."""
        chat = self.telegram_announce_chat.strip()
        return frozenset({f"telegram:{chat}"} if chat else ())

    @field_validator("redis_url")
    @classmethod
    def _empty_is_unset(cls, value: str | None) -> str | None:
        return value or None
