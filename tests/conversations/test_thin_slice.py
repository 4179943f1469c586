"""A citizen greets and asks a procedure question; the answer comes through Rasa, the action
server and the knowledge base (the real ones, trained and started once per session)."""
from tests.tracker import user_events


def test_greeting_offers_example_questions(conversation):
    replies = conversation.say("xin chào")
    assert "trợ lý ảo" in replies[0]["text"]
    assert [b["title"] for b in replies[0]["buttons"]][:1] == ["Đăng ký khai sinh"]


def test_procedure_question_is_answered_from_the_knowledge_base(conversation):
    replies = conversation.say("làm giấy khai sinh cho con cần những gì")
    summary = replies[0]
    assert summary["text"].startswith("📋 Thủ tục đăng ký khai sinh\n• Mã thủ tục: 1.001193")
    assert "Nguồn: Cổng Dịch vụ công quốc gia, cập nhật 17/07/2026" in summary["text"]   # the official record
    assert "https://dichvucong.gov.vn/thu-tuc-hanh-chinh/" in summary["text"]           # and where to check
    assert '/ask_fee{"procedure_id":"1.001193"}' in [b["payload"] for b in summary["buttons"]]


def test_follow_up_keeps_the_procedure(conversation):
    conversation.say("dang ky khai sinh")
    assert conversation.text("thế lệ phí bao nhiêu?").startswith("💰 Phí, lệ phí — Thủ tục đăng ký khai sinh")


def test_the_conversation_is_written_through_to_the_tracker_file(stack, conversation):
    conversation.say("xin chào")
    assert [event["text"] for event in user_events(stack, conversation.sender)] == ["xin chào"]
