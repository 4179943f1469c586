"""The web chat page in a real headless Chromium: type a question, see the answer, click a button."""
import os
import shutil

import pytest

from tests.conftest import ARTIFACTS

CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    executable = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or shutil.which("chromium-browser")
    assert executable, "Chromium is missing: `make test` installs it (scripts/ensure_chromium.sh)"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


def test_question_answer_and_button_on_a_phone_sized_screen(browser, stack):
    page = browser.new_page(viewport={"width": 390, "height": 844})
    page.goto(f"http://localhost:{stack.env['RASA_PORT']}/webhooks/web/chat")
    assert page.title() == "Trợ lý thủ tục hành chính Hà Nội"

    page.get_by_label("Nhập câu hỏi").fill("lam giay khai sinh cho con can gi")
    page.keyboard.press("Enter")                      # keyboard only: no mouse needed to ask
    answer = page.locator(".msg.bot", has_text="Thủ tục đăng ký khai sinh")
    answer.first.wait_for(timeout=20000)
    assert "Nơi nộp" in answer.first.inner_text()
    assert answer.first.bounding_box()["height"] <= 844    # the summary fits one phone screen

    page.get_by_role("button", name="Lệ phí").last.click()
    page.locator(".msg.bot", has_text="Phí, lệ phí — Thủ tục đăng ký khai sinh").first.wait_for(timeout=20000)
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "webchat.png"), full_page=True)
    page.close()
