"""The workspace in a real headless Chromium beside the real assistant (its own stack: a copy of the
catalog and of the index, the ports + 2): sign in; an editor changes a fee, a reviewer publishes, a
citizen asks in the web chat and reads the new fee; revert restores it; a hand-off from the web
chat answered from the inbox reaches the citizen's chat, and the bot takes over again."""
from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.conftest import ARTIFACTS, ROOT
from tests.web.test_webchat_browser import browser  # noqa: F401  (the Chromium fixture)
from tests.workspace.conftest import PASSWORD, USERS, workspace_port

RECORD = "1.001193"                 # Thủ tục đăng ký khai sinh: every channel "Miễn phí"
NEW_FEE = "12.345 đồng (thử nghiệm)"
PHONE = "0912 345 678"


@pytest.fixture(scope="module")
def live(tmp_path_factory, full_index_dir):
    from scripts.stack import Stack

    var_dir = tmp_path_factory.mktemp("live")
    shutil.copytree(ROOT / "knowledge_base" / "catalog", var_dir / "catalog")
    shutil.copytree(full_index_dir, var_dir / "index", symlinks=True)
    stack = Stack(var_dir=var_dir, log_dir=ARTIFACTS / "logs" / "workspace-stack", workspace=True, overrides={
        "RASA_PORT": str(int(os.environ.get("TEST_RASA_PORT", "15005")) + 2),
        "ACTIONS_PORT": str(int(os.environ.get("TEST_ACTIONS_PORT", "15055")) + 2),
        "WORKSPACE_PORT": str(workspace_port() + 1), "KB_CATALOG_DIR": str(var_dir / "catalog"),
        "KB_INDEX_DIR": str(var_dir / "index"), "DATABASE_URL": f"sqlite:///{var_dir / 'app.db'}"})
    stack.start()
    try:
        for username, role in USERS.items():
            subprocess.run([sys.executable, "-m", "workspace", "create-user", username, "--role", role,
                            "--password-stdin"], input=PASSWORD + "\n", text=True, env=stack.env, cwd=ROOT,
                           check=True, capture_output=True)
        yield stack
    finally:
        stack.stop()


def shot(page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"workspace-{name}.png"))      # the screen, as staff see it


def signed_in(browser, live, username: str, width: int = 1280):  # noqa: F811
    page = browser.new_page(viewport={"width": width, "height": 900})
    page.goto(f"http://localhost:{live.env['WORKSPACE_PORT']}/login")
    page.get_by_label("Tên đăng nhập").fill(username)
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    page.get_by_text(f"{username} (").wait_for()
    return page


def web_chat(browser, live):  # noqa: F811
    page = browser.new_page(viewport={"width": 390, "height": 844})
    page.goto(f"http://localhost:{live.env['RASA_PORT']}/webhooks/web/chat")
    return page


def ask(page, text: str, expected: str, timeout: float = 20.0) -> str:
    """Send a message; the new bot messages once one of them contains `expected` (earlier ones do not count)."""
    answers = page.locator(".msg.bot")
    seen = answers.count()
    page.get_by_label("Nhập câu hỏi").fill(text)
    page.keyboard.press("Enter")
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        new = "\n".join(answers.all_inner_texts()[seen:])
        if expected in new:
            page.wait_for_timeout(300)             # the rest of the reply's messages
            return "\n".join(answers.all_inner_texts()[seen:])
        page.wait_for_timeout(200)
    raise AssertionError(f"no answer containing {expected!r} to {text!r}; got {new!r}")


def test_sign_in_and_a_wrong_password_in_the_browser(browser, live):  # noqa: F811
    page = browser.new_page(viewport={"width": 1024, "height": 768})       # a tablet
    page.goto(f"http://localhost:{live.env['WORKSPACE_PORT']}/")
    page.get_by_label("Tên đăng nhập").fill("duyet")
    page.get_by_label("Mật khẩu").fill("khong-dung-mat-khau")
    page.get_by_role("button", name="Đăng nhập").click()
    page.get_by_role("alert").filter(has_text="không đúng").wait_for()
    shot(page, "login-refused")
    page.get_by_label("Tên đăng nhập").fill("duyet")
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    page.get_by_text("duyet (Người duyệt)").wait_for()
    page.close()


def test_an_edited_fee_reaches_the_citizen_when_published_and_revert_restores_it(browser, live):  # noqa: F811
    editor = signed_in(browser, live, "bien.tap")
    editor.goto(f"http://localhost:{live.env['WORKSPACE_PORT']}/records?query=khai+sinh&level=commune")
    shot(editor, "records")
    editor.get_by_role("link", name="Thủ tục đăng ký khai sinh", exact=True).click()
    shot(editor, "record")
    editor.get_by_role("link", name="Sửa").click()
    editor.get_by_label("Phí, lệ phí Trực tiếp", exact=True).fill(NEW_FEE)
    editor.get_by_role("button", name="Lưu", exact=True).click()
    editor.get_by_text("Đã lưu bản nháp").wait_for()
    citizen = web_chat(browser, live)
    before = ask(citizen, "lệ phí đăng ký khai sinh", "Phí, lệ phí")
    assert NEW_FEE not in before                       # a draft is not shown to citizens

    reviewer = signed_in(browser, live, "duyet")
    reviewer.goto(f"http://localhost:{live.env['WORKSPACE_PORT']}/records/{RECORD}")
    reviewer.get_by_role("button", name="Công bố").click()
    reviewer.get_by_text("Đã công bố").wait_for(timeout=30000)
    shot(reviewer, "published")
    assert NEW_FEE in ask(citizen, "lệ phí đăng ký khai sinh", "Phí, lệ phí")
    shot(citizen, "webchat-new-fee")

    reviewer.get_by_role("link", name="Lịch sử").click()
    shot(reviewer, "history")
    reviewer.get_by_role("button", name=re.compile("Khôi phục phiên bản")).last.click()   # the catalog's version
    reviewer.get_by_role("button", name="Công bố").click()
    reviewer.get_by_text("Đã công bố").wait_for(timeout=30000)
    restored = ask(citizen, "thế lệ phí đăng ký khai sinh bao nhiêu", "Phí, lệ phí")
    assert NEW_FEE not in restored and "Miễn phí" in restored
    for page in (editor, reviewer, citizen):
        page.close()


def test_a_hand_off_is_answered_from_the_inbox_and_handed_back(browser, live):  # noqa: F811
    citizen = web_chat(browser, live)
    ask(citizen, "cho tôi gặp cán bộ", "chuyển yêu cầu")
    assert "yêu cầu đang chờ" in citizen.locator("#log").inner_text() or "ngoài giờ làm việc" in \
        citizen.locator("#log").inner_text()                   # told honestly what to expect
    citizen.get_by_label("Nhập câu hỏi").fill(f"số điện thoại của tôi là {PHONE}, cán bộ gọi lại giúp")
    citizen.keyboard.press("Enter")                              # paused: no answer, but it is in the transcript
    citizen.wait_for_timeout(1500)
    staff = signed_in(browser, live, "bien.tap", width=1024)
    staff.goto(f"http://localhost:{live.env['WORKSPACE_PORT']}/inbox")
    staff.locator("table a").first.click()
    staff.get_by_role("button", name="Nhận trả lời").click()
    transcript = staff.locator("main").inner_text()
    assert "gặp cán bộ" in transcript and "***" in transcript and PHONE not in transcript
    assert PHONE.replace(" ", "") not in staff.content()
    staff.get_by_label("Trả lời công dân").fill("Chào Anh/Chị, cán bộ phường đây. Anh/Chị cần hỏi gì ạ?")
    staff.get_by_role("button", name="Gửi").click()
    shot(staff, "inbox-conversation")
    citizen.locator(".msg.bot.staff", has_text="cán bộ phường đây").wait_for(timeout=15000)
    shot(citizen, "webchat-staff-reply")
    staff.get_by_role("button", name="Trả về trợ lý ảo").click()
    citizen.locator(".msg.bot", has_text="Trợ lý ảo tiếp tục").wait_for(timeout=15000)
    assert "Thủ tục đăng ký khai sinh" in ask(citizen, "lam giay khai sinh can gi", "Thủ tục đăng ký khai sinh")
    logs = "".join(p.read_text(errors="replace") for p in (ARTIFACTS / "logs" / "workspace-stack").glob("*.log"))
    assert PHONE not in logs and PHONE.replace(" ", "") not in logs
    citizen.close()
    staff.close()


def test_the_dashboard_shows_charts_and_the_queues_show_on_a_tablet(browser, live):  # noqa: F811
    citizen = web_chat(browser, live)
    ask(citizen, "lam giay khai sinh can gi", "Thủ tục đăng ký khai sinh")    # something to count
    ask(citizen, "xin giấy phép nuôi khủng long ở nhà", "")
    citizen.close()
    page = signed_in(browser, live, "duyet", width=1024)
    page.goto(f"http://localhost:{live.env['WORKSPACE_PORT']}/dashboard")
    chart = page.locator("svg.chart").first
    chart.wait_for()
    assert chart.bounding_box()["width"] > 300 and page.locator("svg.chart polyline").count() >= 1
    assert "web" in page.locator("#messages").inner_text()
    shot(page, "dashboard")
    page.goto(f"http://localhost:{live.env['WORKSPACE_PORT']}/review")
    shot(page, "review")
    page.goto(f"http://localhost:{live.env['WORKSPACE_PORT']}/questions")
    shot(page, "questions")
    page.close()


def test_rasa_s_http_api_answers_only_with_its_token(live):
    import httpx

    url = f"{live.rasa_url}/conversations/web-nobody/tracker"
    assert httpx.get(url, timeout=10).status_code == 401
    assert httpx.get(url, params={"token": "wrong-" + live.env["RASA_API_TOKEN"]}, timeout=10).status_code == 401
    assert httpx.get(url, params={"token": live.env["RASA_API_TOKEN"]}, timeout=10).status_code == 200
    command_lines = [Path(f"/proc/{p.pid}/cmdline").read_bytes().decode() for p in live.processes.values()]
    assert "rasa_cli.py" in "".join(command_lines)
    assert not any(live.env["RASA_API_TOKEN"] in line for line in command_lines)     # not in the process list
