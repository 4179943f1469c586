"""Conversations about procedures with the real trained bot, as citizens type them."""
import sqlite3

import pytest


def texts(replies: list[dict]) -> str:
    return "\n".join(r.get("text", "") for r in replies)


def buttons(replies: list[dict]) -> list[dict]:
    return [b for r in replies for b in r.get("buttons", [])]


@pytest.mark.parametrize("message, name", [
    ("làm giấy khai sinh cho con cần những gì", "Đăng ký khai sinh"),
    ("lam giay khai sinh cho con can nhung gi", "Đăng ký khai sinh"),
    ("đk tạm trú ở đâu", "Đăng ký tạm trú"),
    ("dang ky ket hon can giay to gi", "Đăng ký kết hôn"),
    ("thủ tục cấp phiếu lý lịch tư pháp", "lý lịch tư pháp"),
    ("cap lai gplx bi mat", "giấy phép lái xe"),
    ("tôi muốn làm hộ chiếu", "hộ chiếu"),
    ("dang ky thuong tru", "Đăng ký thường trú"),
])
def test_procedure_questions_get_a_structured_answer(conversation, message, name):
    replies = conversation.say(message)
    summary = replies[0]["text"]
    assert summary.startswith("📋") and name.lower() in summary.lower()
    for part in ("Nơi nộp:", "Thời gian giải quyết:", "Phí, lệ phí:", "Hồ sơ chính:"):
        assert part in summary
    assert [b["title"] for b in replies[0]["buttons"]] == [
        "Hồ sơ cần gì", "Lệ phí", "Thời gian", "Nộp ở đâu", "Các bước", "Nộp trực tuyến"]
    assert "Câu trả lời có hữu ích" in texts(replies)


def test_a_related_procedure_button_opens_that_procedure(conversation):
    replies = conversation.say("đăng ký khai sinh")
    assert "Thủ tục liên quan" in texts(replies)
    related = next(b for b in buttons(replies) if b["title"] == "Đăng ký thường trú")
    assert conversation.say(related["payload"])[0]["text"].startswith("📋 Đăng ký thường trú")


def test_an_official_answer_cites_the_portal_its_date_code_and_level(conversation):
    summary = conversation.say("đăng ký khai tử")[0]["text"]
    assert "Mã thủ tục: 1.000656 · cấp xã, phường" in summary
    assert "📘 Nguồn: Cổng Dịch vụ công quốc gia, cập nhật 17/07/2026: https://dichvucong.gov.vn/" in summary
    assert "chưa được cán bộ xác minh" not in summary


def test_a_drafted_answer_says_it_is_not_verified_and_where_to_check(conversation):
    summary = conversation.say("cấp giấy phép bán lẻ rượu")[0]["text"]
    assert "chưa được cán bộ xác minh" in summary and "https://" in summary and "Nguồn: Cổng" not in summary


def test_documents_that_depend_on_the_case_are_asked_for_first(conversation):
    conversation.say("đăng ký thường trú")
    replies = conversation.say("cần giấy tờ gì")
    assert "tùy trường hợp" in texts(replies)
    cases = buttons(replies)
    assert len(cases) == 6 and all(len(b["title"]) <= 40 for b in cases)
    listed = texts(conversation.say(cases[-1]["payload"]))
    assert listed.startswith("📄 Hồ sơ cần chuẩn bị — Đăng ký thường trú")
    assert "Trường hợp: Đăng ký thường trú vào chỗ ở hợp pháp do thuê, mượn, ở nhờ" in listed


@pytest.mark.parametrize("follow_up, heading", [
    ("thế lệ phí bao nhiêu?", "💰 Phí, lệ phí — Thủ tục đăng ký khai sinh"),
    ("nop online duoc ko", "🌐 Nộp trực tuyến — Thủ tục đăng ký khai sinh"),
    ("mất bao lâu", "⏱ Thời gian giải quyết — Thủ tục đăng ký khai sinh"),
    ("cần giấy tờ gì", "📄 Hồ sơ cần chuẩn bị — Thủ tục đăng ký khai sinh"),
    ("nộp ở đâu", "📍 Nơi nộp hồ sơ — Thủ tục đăng ký khai sinh"),
    ("các bước thực hiện thế nào", "🧭 Các bước thực hiện — Thủ tục đăng ký khai sinh"),
])
def test_typed_follow_ups_keep_the_procedure(conversation, follow_up, heading):
    conversation.say("lam giay khai sinh cho con")
    assert texts(conversation.say(follow_up)).startswith(heading)


@pytest.mark.parametrize("payload, heading", [
    ("/ask_fee", "💰 Phí, lệ phí — Thủ tục đăng ký kết hôn"),
    ("/ask_documents", "📄 Hồ sơ cần chuẩn bị — Thủ tục đăng ký kết hôn"),
    ("/ask_steps", "🧭 Các bước thực hiện — Thủ tục đăng ký kết hôn"),
])
def test_detail_buttons_answer_about_the_procedure(conversation, payload, heading):
    conversation.say("đăng ký kết hôn")
    assert texts(conversation.say(payload)).startswith(heading)


def test_a_new_procedure_question_switches_the_context(conversation):
    conversation.say("đăng ký khai sinh")
    conversation.say("đăng ký kết hôn")
    assert "đăng ký kết hôn" in texts(conversation.say("lệ phí bao nhiêu")).lower()


def test_a_follow_up_naming_another_procedure_answers_about_that_one(conversation):
    conversation.say("đăng ký khai sinh")
    assert "hộ chiếu" in texts(conversation.say("lệ phí làm hộ chiếu phổ thông bao nhiêu")).lower()


def test_a_follow_up_before_any_procedure_asks_which(conversation):
    assert "thủ tục nào" in texts(conversation.say("lệ phí bao nhiêu"))


def test_ambiguous_question_offers_candidates_and_a_choice_is_answered(conversation):
    replies = conversation.say("xin giấy phép")
    offered = buttons(replies)
    assert "thủ tục nào" in texts(replies) and 2 <= len(offered) <= 3
    assert all(b["payload"].startswith("/choose_procedure") for b in offered)
    chosen = conversation.say(offered[0]["payload"])
    assert chosen[0]["text"].startswith(f"📋 {offered[0]['title'].rstrip('…')}")   # a short name on the button


def test_out_of_scope_is_declined_politely(conversation):
    reply = texts(conversation.say("giá vàng hôm nay bao nhiêu"))
    assert "Xin lỗi" in reply and "📋" not in reply


def test_not_found_is_honest_offers_a_human_and_is_logged_for_staff(conversation, stack):
    question = "thủ tục cấp phép bay thử khinh khí cầu trên hồ tây"
    reply = texts(conversation.say(question))
    assert "chưa tìm thấy" in reply and "gặp cán bộ" in reply
    db = stack.env["DATABASE_URL"].removeprefix("sqlite:///")
    with sqlite3.connect(db) as connection:
        rows = connection.execute("SELECT text, count FROM unanswered_questions WHERE text = ?", (question,)).fetchall()
    assert rows and rows[0][1] >= 1


def test_faq_question_gets_the_faq_answer(conversation):
    reply = texts(conversation.say("khi hồ sơ bị trễ hẹn thì cơ quan giải quyết phải làm gì"))
    assert "xin lỗi" in reply.lower() and "📋" not in reply


@pytest.mark.parametrize("message, fragment", [
    ("xin chao", "trợ lý ảo"),
    ("cam on nhieu", "Rất vui được hỗ trợ"),
    ("tạm biệt", "Chúc Anh/Chị"),
    ("ban la nguoi hay may", "trợ lý ảo"),
])
def test_small_talk(conversation, message, fragment):
    assert fragment in texts(conversation.say(message))


def test_positive_rating_is_stored(conversation, stack):
    conversation.say("đăng ký tạm trú")
    assert "Cảm ơn Anh/Chị đã góp ý" in texts(conversation.say('/rate_answer{"rating":"up"}'))
    db = stack.env["DATABASE_URL"].removeprefix("sqlite:///")
    with sqlite3.connect(db) as connection:
        ratings = connection.execute(
            "SELECT record_id, question, rating FROM feedback WHERE question = 'đăng ký tạm trú'").fetchall()
    assert ("1.004194", "đăng ký tạm trú", "up") in ratings


def test_negative_rating_asks_for_a_comment_and_stores_it(conversation, stack):
    conversation.say("cấp hộ chiếu phổ thông")
    assert "chỗ nào chưa đúng" in texts(conversation.say('/rate_answer{"rating":"down"}'))
    assert "Cảm ơn Anh/Chị đã góp ý" in texts(conversation.say("thiếu thông tin lệ phí cho trẻ em"))
    db = stack.env["DATABASE_URL"].removeprefix("sqlite:///")
    with sqlite3.connect(db) as connection:
        rows = connection.execute("SELECT rating, comment FROM feedback WHERE comment LIKE 'thiếu thông tin lệ phí%'")
        assert rows.fetchall() == [("down", "thiếu thông tin lệ phí cho trẻ em")]


def test_the_comment_can_be_skipped(conversation):
    conversation.say("đăng ký kết hôn")
    conversation.say('/rate_answer{"rating":"down"}')
    skipped = texts(conversation.say("/deny"))       # [Bỏ qua]: worded as skipped, nothing was recorded
    assert "không sao" in skipped and "ghi lại" not in skipped
    assert texts(conversation.say("dang ky khai tu")).startswith("📋")


def test_asking_for_a_human_pauses_the_bot_for_that_conversation_only(conversation, stack):
    from tests.conftest import Conversation

    reply = texts(conversation.say("cho tôi gặp cán bộ"))
    assert "chuyển yêu cầu" in reply and "giờ hành chính" in reply
    assert conversation.say("đăng ký khai sinh") == []            # paused: a human takes over
    assert Conversation(stack.rasa_url).say("đăng ký khai sinh")     # others still served
