"""What a message does to the procedure under discussion (actions/context.py), on the small index."""
import pytest

from actions import knowledge
from actions.context import About, AboutFaq, Confirm, Nothing, follow_up, read


@pytest.mark.parametrize("message, detail", [
    ("phi bao nhieu tien", "ask_fee"), ("bao lâu thì có giấy phép", "ask_duration"),
    ("nộp ở đâu", "ask_where"), ("cần mang gì", "ask_documents"), ("can mang theo nhung gi", "ask_documents"),
    ("có nộp online được không", "ask_online"), ("các bước làm thế nào", "ask_steps"),
    ("vậy giấy tờ nộp xong bao giờ có kết quả?", "ask_duration"),
])
def test_a_detail_question_names_no_procedure(message, detail):
    reading = read(message)
    assert reading.detail == detail and not reading.names_something


@pytest.mark.parametrize("message, topic", [
    ("đk kết hôn cần những gì", "đk kết hôn"), ("dk ket hon can gi", "dk ket hon"),
    ("lệ phí làm hộ chiếu phổ thông bao nhiêu", "hộ chiếu phổ thông"),
    ("thế còn cấp lại căn cước thì sao", "cấp lại căn cước"), ("làm cccd", "cccd"),
])
def test_the_words_that_may_name_a_procedure_are_kept_as_typed(message, topic):
    reading = read(message)
    assert reading.topic == topic and reading.names_something


def test_small_talk_words_and_a_lone_common_word_name_nothing():
    for message in ("vâng, cảm ơn", "ok cam on nhe", "mat bao lau", "the phi", "không có gì nữa"):
        assert not read(message).names_something, message


def kb():
    return knowledge.knowledge_base()


def test_a_detail_question_keeps_the_procedure_whatever_its_words_match():
    assert follow_up(kb(), "ht-khai-sinh", "phí bao nhiêu tiền") == About(kb().get("ht-khai-sinh"))


def test_a_message_that_names_another_procedure_switches_to_it():
    assert follow_up(kb(), "ht-khai-sinh", "lệ phí làm hộ chiếu phổ thông") == About(kb().get("hc-ho-chieu"))


def test_a_message_naming_the_current_procedure_keeps_it():
    assert follow_up(kb(), "ht-ket-hon", "đăng ký kết hôn mất bao lâu") == About(kb().get("ht-ket-hon"))


def test_nothing_in_context_and_nothing_named():
    assert follow_up(kb(), None, "phí bao nhiêu") == Nothing()


def test_weak_evidence_of_another_procedure_is_confirmed(monkeypatch):
    import actions.context as context

    monkeypatch.setattr(context, "SWITCH_AT", 10.0)      # no match is strong enough to switch unasked
    outcome = follow_up(kb(), "ht-khai-sinh", "lệ phí làm hộ chiếu phổ thông")
    assert isinstance(outcome, Confirm) and outcome.proposed.id == "hc-ho-chieu"


def test_a_detail_question_about_what_an_faq_answers_gets_that_answer():
    outcome = follow_up(kb(), "ht-khai-sinh", "bộ phận một cửa làm việc giờ nào thế")
    assert isinstance(outcome, AboutFaq) and outcome.record.id == "faq-gio-lam-viec"
