"""The channels' settings, read once from the environment (every variable is in .env.example).

A dataclass, not pydantic-settings: the Rasa environment pins pydantic 1."""
from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Mapping

from envconfig import getenv, positive_int, project_path, rasa_port, var_dir


@dataclass(frozen=True)
class TelegramSettings:
    bot_token: str = field(repr=False)
    secret_token: str = field(repr=False)   # expected in X-Telegram-Bot-Api-Secret-Token
    api_base_url: str            # python-telegram-bot's base_url: the token is appended
    webhook_url: str             # when set, setWebhook is called at start-up

    @property
    def enabled(self) -> bool:
        return bool(self.bot_token)


@dataclass(frozen=True)
class ZaloSettings:
    app_id: str
    oa_secret_key: str = field(repr=False)   # signs the webhook events
    access_token: str = field(repr=False)    # initial pair; refreshed pairs live in token_file
    refresh_token: str = field(repr=False)
    app_secret: str = field(repr=False)      # authenticates token refreshes
    api_base_url: str
    oauth_base_url: str
    token_file: Path
    max_event_age: int = 300     # seconds: an older (replayed) event is refused

    @property
    def enabled(self) -> bool:
        return bool(self.app_id)


@dataclass(frozen=True)
class Settings:
    state_dir: Path              # button ids (SQLite)
    rasa_url: str                # the local Rasa server (Telegram polling mode forwards to it)
    telegram: TelegramSettings
    zalo: ZaloSettings

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> "Settings":
        get = lambda name, default="": getenv(name, default, env)  # noqa: E731
        state_dir = project_path(get("CHANNELS_STATE_DIR") or var_dir(env) / "channels")
        token = get("TELEGRAM_BOT_TOKEN")
        return cls(
            state_dir=state_dir,
            rasa_url=get("CHANNELS_RASA_URL", f"http://127.0.0.1:{rasa_port(env)}"),
            telegram=TelegramSettings(
                bot_token=token,
                secret_token=get("TELEGRAM_SECRET_TOKEN") or derived_secret(token),
                api_base_url=get("TELEGRAM_API_BASE_URL", "https://api.telegram.org/bot"),
                webhook_url=get("TELEGRAM_WEBHOOK_URL"),
            ),
            zalo=ZaloSettings(
                app_id=get("ZALO_APP_ID"),
                oa_secret_key=get("ZALO_OA_SECRET_KEY"),
                access_token=get("ZALO_ACCESS_TOKEN"),
                refresh_token=get("ZALO_REFRESH_TOKEN"),
                app_secret=get("ZALO_APP_SECRET"),
                api_base_url=get("ZALO_API_BASE_URL", "https://openapi.zalo.me").rstrip("/"),
                oauth_base_url=get("ZALO_OAUTH_BASE_URL", "https://oauth.zaloapp.com").rstrip("/"),
                token_file=project_path(get("ZALO_TOKEN_FILE") or state_dir / "zalo_tokens.json"),
                max_event_age=positive_int("ZALO_MAX_EVENT_AGE_SECONDS", 300, env, "seconds"),
            ),
        )


def derived_secret(bot_token: str) -> str:
    """The webhook secret used when TELEGRAM_SECRET_TOKEN is unset: stable, and only as guessable
    as the bot token itself (whoever has the token can set the webhook anyway)."""
    if not bot_token:
        return ""
    return hashlib.sha256(b"telegram-webhook-secret:" + bot_token.encode()).hexdigest()[:48]
