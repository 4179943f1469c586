"""One real Rasa stack for the channel tests, with Telegram and Zalo pointed at local fakes.

Runs in .venv-rasa (scripts/test.sh). Ports: TEST_RASA_PORT / TEST_ACTIONS_PORT.
"""
from __future__ import annotations

import os
from pathlib import Path

import pytest
import yaml

from tests.channels.drivers import DRIVERS, Driver, Fakes
from tests.channels.fakes import FakeTelegram, FakeZalo
from tests.conftest import ARTIFACTS, ROOT

TELEGRAM_TOKEN = "123456789:TEST-bot-token_DoNotLog"
TELEGRAM_SECRET = "test-webhook-secret_0123"
ZALO_APP_ID = "4291763606161179100"
ZALO_OA_SECRET = "test-oa-secret-key-DoNotLog"
ZALO_APP_SECRET = "test-app-secret-DoNotLog"


@pytest.fixture(scope="session")
def fakes() -> Fakes:
    telegram = FakeTelegram(TELEGRAM_TOKEN).start()
    zalo = FakeZalo(ZALO_APP_ID, ZALO_APP_SECRET, access="zat-1", refresh="zrt-1").start()
    yield Fakes(telegram, zalo)
    telegram.stop()
    zalo.stop()


def channel_env(fakes: Fakes, state_dir: Path) -> dict[str, str]:
    """The channels' settings, all pointing at the fakes."""
    return {
        "CHANNELS_STATE_DIR": str(state_dir),
        "TELEGRAM_BOT_TOKEN": TELEGRAM_TOKEN,
        "TELEGRAM_SECRET_TOKEN": TELEGRAM_SECRET,
        "TELEGRAM_API_BASE_URL": fakes.telegram.base_url,
        "TELEGRAM_WEBHOOK_URL": "https://bot.example.invalid/webhooks/telegram/webhook",
        "ZALO_APP_ID": ZALO_APP_ID,
        "ZALO_OA_SECRET_KEY": ZALO_OA_SECRET,
        "ZALO_ACCESS_TOKEN": "zat-1",
        "ZALO_REFRESH_TOKEN": "zrt-1",
        "ZALO_APP_SECRET": ZALO_APP_SECRET,
        "ZALO_API_BASE_URL": fakes.zalo.url,
        "ZALO_OAUTH_BASE_URL": fakes.zalo.url,
    }


def small_catalog(target: Path, record_id: str = "1.001193") -> Path:
    """A catalog of the one procedure these tests ask about, taken from the real one: the channels
    do not need the whole catalog, whose index takes minutes to build on a busy 2-core machine."""
    source = Path(os.environ.get("KB_CATALOG_DIR") or ROOT / "knowledge_base" / "catalog")
    record = yaml.safe_load((source / "procedures" / f"{record_id}.yaml").read_text(encoding="utf-8"))
    record["related"] = []                      # the related procedures are not in this catalog
    (target / "procedures").mkdir(parents=True)
    (target / "faqs").mkdir()
    (target / "procedures" / f"{record_id}.yaml").write_text(yaml.safe_dump(record, allow_unicode=True), "utf-8")
    return target


@pytest.fixture(scope="session")
def stack(tmp_path_factory, fakes):
    """The real assistant (Rasa + action server), once per session, with both connectors enabled.
    Overrides the root `stack` fixture for this folder, so there is only one."""
    from scripts.stack import Stack

    var_dir = tmp_path_factory.mktemp("var")
    stack = Stack(
        var_dir=var_dir,
        log_dir=ARTIFACTS / "logs" / "channels",
        overrides={"RASA_PORT": os.environ.get("TEST_RASA_PORT", "15005"),
                   "ACTIONS_PORT": os.environ.get("TEST_ACTIONS_PORT", "15055"),
                   "KB_CATALOG_DIR": str(small_catalog(var_dir / "catalog")),
                   **channel_env(fakes, var_dir / "channels")},
    )
    (stack.log_dir / "rasa.log").unlink(missing_ok=True)      # this session's log only (checked for secrets)
    stack.start()
    yield stack
    stack.stop()


@pytest.fixture(params=sorted(DRIVERS), scope="session")
def driver(request, stack, fakes) -> Driver:
    """Each connector in turn: the contract tests run once per connector."""
    return DRIVERS[request.param](stack, fakes)


@pytest.fixture(scope="session")
def telegram(stack, fakes) -> Driver:
    return DRIVERS["telegram"](stack, fakes)


@pytest.fixture(scope="session")
def zalo(stack, fakes) -> Driver:
    return DRIVERS["zalo"](stack, fakes)
