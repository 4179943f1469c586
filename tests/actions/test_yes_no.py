"""Yes/no questions answered from the record's own words (actions/yes_no.py)."""
from dataclasses import replace

import pytest

from actions.procedures import ActionAnswerProcedure
from actions.yes_no import find_quote, is_yes_no
from tests.actions.conftest import run
from tests.factories import make_official


@pytest.mark.parametrize("text, asks", [
    ("vậy có cần chủ nhà đồng ý không", True), ("co phai chup anh lai ko", True),
    ("có phải đóng thuế thu nhập cá nhân không?", True), ("lệ phí bao nhiêu", False), ("đăng ký kết hôn", False),
])
def test_yes_no_questions_are_recognised(text, asks):
    assert is_yes_no(text) is asks


def test_the_sentence_sharing_the_question_s_words_is_quoted_with_its_field():
    record = replace(make_official(), notes="Nộp bản sao có chứng thực. Khi chủ hộ đồng ý thì không cần giấy tờ chỗ ở.")
    quote = find_quote(record, "vậy có cần chủ nhà đồng ý không")
    assert quote.part == "notes" and quote.text == "Khi chủ hộ đồng ý thì không cần giấy tờ chỗ ở."


def test_a_record_that_does_not_say_gives_no_quote():
    assert find_quote(make_official(), "có phải đóng thuế thu nhập cá nhân không") is None


def test_a_yes_no_question_about_the_procedure_in_context_is_not_answered_with_its_summary(domain):
    messages, _ = run(ActionAnswerProcedure(), domain, text="có phải đóng thuế thu nhập cá nhân không",
                      intent="ask_procedure", slots={"procedure_id": "ht-ket-hon"})
    assert [m["response"] for m in messages] == ["utter_record_does_not_say"]
    assert messages[0]["name"] == "Đăng ký kết hôn" and messages[0]["buttons"]
