"""Notifications through the real stack of the test session (Rasa, the action server, the worker)
to the local fake Telegram and Zalo OA (tests/notifications/platforms.py) and the web chat:
subscribe in chat, change the dossier with the staff CLI, the notification arrives once."""
from __future__ import annotations

import datetime as dt
import json
import os
import signal
import sqlite3
import subprocess
import sys
import uuid
from contextlib import closing

import httpx
import pytest
from sqlalchemy import select

from appdb.engine import make_engine
from appdb.tables import DeliveryRow
from dossiers.model import today
from tests.conftest import Conversation
from tests.notifications.platforms import Sent, telegram_press, telegram_text, wait_until, zalo_text

UNIT = "000.00.53.H26"
OFFER = "Báo cho tôi khi hồ sơ có thay đổi"
CHANGED = "có thay đổi\n"


def is_notification(sent: Sent) -> bool:
    return sent.text.startswith("🔔 Hồ sơ") and CHANGED in sent.text


class Dossier:
    """A test dossier of its own (a fresh number), written and changed with `python -m dossiers import`."""

    def __init__(self, stack, tmp_path):
        self.stack, self.tmp_path = stack, tmp_path
        self.number = 5000 + uuid.uuid4().int % 4000
        self.code = f"{UNIT}-{today() - dt.timedelta(days=3):%y%m%d}-{self.number:04d}"
        self.phone = f"0987{self.number:06d}"
        self.write(status="processing")

    def write(self, **changes) -> None:
        row = {"code": self.code, "procedure_name": "Thủ tục đăng ký khai sinh", "procedure_id": "1.001193",
               "applicant_name": "Lê Thị Theo Dõi", "applicant_phone": self.phone,
               "due_on": (today() + dt.timedelta(days=5)).isoformat(), "status": "processing",
               "handling_unit": "UBND phường Thử Nghiệm", **changes}
        path = self.tmp_path / f"{uuid.uuid4().hex}.json"
        path.write_text(json.dumps([row], ensure_ascii=False), encoding="utf-8")
        subprocess.run([sys.executable, "-m", "dossiers", "import", str(path)], env=self.stack.env, check=True,
                       capture_output=True)


def deliveries(stack, conversation: str) -> list[DeliveryRow]:
    engine = make_engine(stack.env["DATABASE_URL"])
    try:
        with engine.connect() as connection:
            return connection.execute(select(DeliveryRow.__table__).where(
                DeliveryRow.conversation_id == conversation).order_by(DeliveryRow.id)).all()
    finally:
        engine.dispose()


def post(stack, channel: str, event: tuple[bytes, dict]) -> None:
    body, headers = event
    reply = httpx.post(f"{stack.rasa_url}/webhooks/{channel}/webhook", content=body, timeout=60,
                       headers={"Content-Type": "application/json", **headers})
    assert reply.status_code == 200, reply.text


class TelegramCitizen:
    def __init__(self, stack, platforms):
        self.stack, self.platforms = stack, platforms
        self.chat = str(10**9 + uuid.uuid4().int % 10**9)
        self.conversation = f"telegram-{self.chat}"

    def say(self, text: str) -> list[Sent]:
        before = len(self.platforms.to(self.chat))
        post(self.stack, "telegram", telegram_text(self.chat, text))     # answered before the webhook returns
        return self.platforms.to(self.chat)[before:]

    def press(self, message: Sent, title: str) -> list[Sent]:
        data = dict(message.buttons)[title]
        before = len(self.platforms.to(self.chat))
        post(self.stack, "telegram", telegram_press(self.chat, data))
        return self.platforms.to(self.chat)[before:]

    def look_up_and_follow(self, dossier: Dossier) -> str:
        assert "mã hồ sơ" in self.say("tra cứu hồ sơ")[-1].text
        assert "4 chữ số cuối" in self.say(dossier.code)[-1].text
        answer = self.say(dossier.phone[-4:])
        assert "Đang xử lý" in answer[0].text
        subscribed = self.press(answer[-1], OFFER)
        return "\n".join(m.text for m in subscribed)

    def notifications(self) -> list[Sent]:
        return [m for m in self.platforms.to(self.chat) if is_notification(m)]


def test_a_status_change_by_the_staff_cli_reaches_telegram_once(stack, platforms, tmp_path):
    dossier, citizen = Dossier(stack, tmp_path), TelegramCitizen(stack, platforms)
    said = citizen.look_up_and_follow(dossier)
    assert "Đã đăng ký" in said and "hủy theo dõi" in said and "Telegram" in said
    dossier.write(status="supplement_requested", missing_documents=["Bản sao Giấy chứng sinh"],
                  supplement_place="Quầy số 2, UBND phường")
    first = platforms.wait_for(citizen.chat, is_notification)[0]
    assert "Yêu cầu bổ sung giấy tờ" in first.text and "Bản sao Giấy chứng sinh" in first.text
    assert "Quầy số 2" in first.text and dossier.code not in first.text and "Theo Dõi" not in first.text
    assert [title for title, _ in first.buttons] == ["Hủy theo dõi", "Hồ sơ tôi đang theo dõi"]
    # a second change is the barrier: once it has arrived, the first one could have come twice
    dossier.write(status="payment_requested", status_note="Lệ phí 8.000 đồng, nộp tại quầy số 3")
    platforms.wait_for(citizen.chat, lambda m: is_notification(m) and "8.000 đồng" in m.text)
    assert [m.text.count("Yêu cầu bổ sung giấy tờ") for m in citizen.notifications()] == [1, 0]
    listed = citizen.say("hồ sơ tôi đang theo dõi")[-1]
    assert "******-**" in listed.text and "Yêu cầu thực hiện nghĩa vụ tài chính" in listed.text


def test_a_late_dossier_is_apologised_for_with_its_new_date_and_unsubscribing_stops_it(stack, platforms, tmp_path):
    dossier, citizen, other = Dossier(stack, tmp_path), TelegramCitizen(stack, platforms), TelegramCitizen(stack, platforms)
    citizen.look_up_and_follow(dossier)
    new_due = today() + dt.timedelta(days=6)
    dossier.write(due_on=(today() - dt.timedelta(days=2)).isoformat(), apology_letter="Thư xin lỗi số 15/TXL-UBND",
                  new_due_on=new_due.isoformat())
    late = platforms.wait_for(citizen.chat, is_notification)[0]
    assert "xin lỗi" in late.text and "Thư xin lỗi số 15/TXL-UBND" in late.text
    assert f"Ngày hẹn trả mới: {new_due:%d/%m/%Y}" in late.text
    said = citizen.press(late, "Hủy theo dõi")
    assert "Đã hủy theo dõi" in said[-1].text
    other.look_up_and_follow(dossier)                 # the barrier: the other follower is told of the next change
    dossier.write(status="processed", due_on=(today() - dt.timedelta(days=2)).isoformat(),
                  collection_method="Nhận trực tiếp", collection_place="Quầy trả kết quả số 5")
    platforms.wait_for(other.chat, lambda m: is_notification(m) and "Đã xử lý xong" in m.text)
    assert len(citizen.notifications()) == 1
    assert [d.state for d in deliveries(stack, citizen.conversation)] == ["sent"]


def test_the_worker_killed_between_the_send_and_its_record_still_tells_once(stack, platforms, tmp_path):
    dossier, citizen = Dossier(stack, tmp_path), TelegramCitizen(stack, platforms)
    citizen.look_up_and_follow(dossier)
    platforms.hold.set()                               # Telegram takes the message but does not answer yet
    try:
        dossier.write(status="supplement_requested", missing_documents=["Tờ khai"], supplement_place="Quầy 1")
        assert platforms.received.wait(60), "the notification never reached Telegram"
        worker = stack.processes.pop("notifier")
        os.killpg(worker.pid, signal.SIGKILL)          # before the channel answered, so before the record
        worker.wait()
    finally:
        platforms.hold.clear()
        platforms.release.set()
    restarted_at = dt.datetime.now(dt.timezone.utc)
    stack.start_worker()
    platforms.received.clear()
    platforms.release.clear()
    row = wait_until(lambda: [d for d in deliveries(stack, citizen.conversation) if d.state == "sent"],
                     "the restarted worker records the delivery")[0]
    sent_at = row.sent_at if row.sent_at.tzinfo else row.sent_at.replace(tzinfo=dt.timezone.utc)
    assert sent_at >= restarted_at                     # recorded by the restarted worker: it did resend
    assert len(citizen.notifications()) == 1           # … and the channel did not send it twice


def test_zalo_outside_its_free_window_holds_the_notification_until_the_next_message(stack, platforms, tmp_path):
    dossier, user = Dossier(stack, tmp_path), str(3 * 10**17 + uuid.uuid4().int % 10**17)

    def say(text: str, expect) -> Sent:
        before = len(platforms.to(user))
        post(stack, "zalo", zalo_text(user, text))
        return wait_until(lambda: next((m for m in platforms.to(user)[before:] if expect(m)), None),
                          f"Zalo answer to {text!r}")

    say("tra cứu hồ sơ", lambda m: "mã hồ sơ" in m.text)
    say(dossier.code, lambda m: "4 chữ số cuối" in m.text)
    say(dossier.phone[-4:], lambda m: OFFER in dict(m.buttons))
    assert "48 giờ" in say(OFFER, lambda m: "48 giờ" in m.text).text      # a query button sends its title
    with closing(sqlite3.connect(stack.var_dir / "channels" / "zalo_window.sqlite3")) as db, db:
        db.execute("UPDATE window SET heard_at = heard_at - 49 * 3600 WHERE user = ?", (user,))   # 49 h ago
    dossier.write(status="processed", collection_method="Nhận qua bưu điện", collection_place="Bưu cục Hoàn Kiếm")
    wait_until(lambda: [d for d in deliveries(stack, f"zalo-{user}") if d.state == "held"], "held")
    assert not [m for m in platforms.to(user) if is_notification(m)]
    say("xin chào", lambda m: "trợ lý" in m.text)
    notice = platforms.wait_for(user, is_notification)[0]
    assert "Đã xử lý xong" in notice.text and "Bưu cục Hoàn Kiếm" in notice.text
    wait_until(lambda: [d.state for d in deliveries(stack, f"zalo-{user}")] == ["sent"], "recorded as sent")
    assert len([m for m in platforms.to(user) if is_notification(m)]) == 1


def test_the_web_chat_shows_the_notification_once(stack, tmp_path):
    dossier = Dossier(stack, tmp_path)
    web = f"{stack.rasa_url}/webhooks/web"
    session = httpx.get(f"{web}/session").json()["session"]

    def say(text: str) -> str:
        reply = httpx.post(f"{web}/webhook", json={"session": session, "message": text}, timeout=60)
        return "\n".join(m.get("text") or "" for m in reply.json())

    say("tra cứu hồ sơ")
    say(dossier.code)
    assert OFFER in json.dumps(httpx.post(f"{web}/webhook", json={"session": session, "message": dossier.phone[-4:]},
                                          timeout=60).json(), ensure_ascii=False)
    assert "trang trò chuyện này" in say("bao cho toi khi ho so co thay doi")
    assert httpx.get(f"{web}/notifications", params={"session": session}).json() == []
    dossier.write(status="rejected", status_note="Hồ sơ không thuộc thẩm quyền của phường")
    shown = wait_until(lambda: httpx.get(f"{web}/notifications", params={"session": session}).json(), "web notification")
    assert len(shown) == 1 and "Không được tiếp nhận" in shown[0]["text"] and "tin báo cuối cùng" in shown[0]["text"]
    conversation = "web-" + session.split(".")[0]
    wait_until(lambda: [d.state for d in deliveries(stack, conversation)] == ["sent"], "recorded as sent")
    assert httpx.get(f"{web}/notifications", params={"session": session}).json() == []
    assert httpx.get(f"{web}/notifications", params={"session": "forged.1.x"}).status_code == 401


def test_the_notify_endpoint_is_the_workers_only(stack):
    body = {"key": "k", "conversation": "telegram-1", "text": "giả mạo", "buttons": []}
    url = f"{stack.rasa_url}/webhooks/telegram/notify"
    assert httpx.post(url, json=body).status_code == 401
    assert httpx.post(url, json=body, headers={"Authorization": "Bearer wrong"}).status_code == 401
    token = {"Authorization": f"Bearer {stack.env['NOTIFY_TOKEN']}"}
    assert httpx.post(url, json={**body, "conversation": "zalo-1"}, headers=token).status_code == 404


@pytest.mark.parametrize("message, answer", [
    ("báo cho tôi khi hồ sơ có thay đổi", "chưa gửi được tin báo"),
])
def test_a_channel_that_cannot_notify_says_so(stack, message, answer):
    assert answer in Conversation(stack.rasa_url).text(message)


def test_following_needs_a_look_up_first(stack, platforms):
    citizen = TelegramCitizen(stack, platforms)
    assert "tra cứu hồ sơ trước" in citizen.say("bao cho toi khi ho so co thay doi")[-1].text
    assert "chưa theo dõi hồ sơ nào" in citizen.say("hồ sơ tôi đang theo dõi")[-1].text


def test_with_two_dossiers_followed_unsubscribing_asks_which(stack, platforms, tmp_path):
    first, second, citizen = Dossier(stack, tmp_path), Dossier(stack, tmp_path), TelegramCitizen(stack, platforms)
    while second.code[-2:] == first.code[-2:]:          # told apart by their last two digits
        second = Dossier(stack, tmp_path)
    citizen.look_up_and_follow(first)
    citizen.look_up_and_follow(second)
    question = citizen.say("huy theo doi")[-1]
    assert "hồ sơ nào" in question.text
    titles = [title for title, _ in question.buttons]
    assert titles == [f"Hủy theo dõi hồ sơ …{first.code[-2:]}", f"Hủy theo dõi hồ sơ …{second.code[-2:]}"]
    assert "Đã hủy theo dõi" in citizen.press(question, titles[0])[-1].text
    listed = citizen.say("hồ sơ tôi đang theo dõi")[-1].text
    assert f"**{second.code[-2:]}" in listed and f"**{first.code[-2:]}:" not in listed


def test_deleting_my_data_deletes_my_subscriptions(stack, platforms, tmp_path):
    from appdb.tables import SubscriptionRow

    dossier, citizen = Dossier(stack, tmp_path), TelegramCitizen(stack, platforms)
    citizen.look_up_and_follow(dossier)
    question = citizen.say("xóa dữ liệu của tôi")[-1]
    said = "\n".join(m.text for m in citizen.press(question, "Xóa dữ liệu"))
    assert "1 đăng ký nhận tin báo" in said
    engine = make_engine(stack.env["DATABASE_URL"])
    try:
        with engine.connect() as connection:
            assert connection.execute(select(SubscriptionRow.id).where(
                SubscriptionRow.conversation_id == citizen.conversation)).all() == []
    finally:
        engine.dispose()
