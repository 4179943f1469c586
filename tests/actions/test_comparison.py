"""Comparisons of two procedures (actions/comparison.py): read from the message, answered side by
side from both records of the small index."""
import pytest

from actions.comparison import Comparison, parse
from actions.procedure_text import SUMMARY_LIMIT
from actions.responses import phrase
from actions.procedures import ActionAnswerProcedure
from actions.small_talk import ActionReplySmallTalk
from tests.actions.conftest import run


@pytest.mark.parametrize("message, sides, detail", [
    ("tạm trú với thường trú khác nhau thế nào", ("tạm trú", "thường trú"), None),
    ("tam tru va thuong tru khac gi nhau", ("tam tru", "thuong tru"), None),
    ("cấp lại thẻ căn cước khác gì cấp đổi", ("cấp lại thẻ căn cước", "cấp đổi"), None),
    ("nên đăng ký hộ kinh doanh hay thành lập công ty", ("đăng ký hộ kinh doanh", "thành lập công ty"), None),
    ("đăng ký kết hôn và đăng ký khai sinh cái nào mất phí", ("đăng ký kết hôn", "đăng ký khai sinh"), "ask_fee"),
    ("làm hộ chiếu hay căn cước rẻ hơn", ("hộ chiếu", "căn cước"), "ask_fee"),
    ("khác gì so với thường trú", ("thường trú",), None),
    ("cái nào nhanh hơn", (), "ask_duration"),
])
def test_a_comparison_is_read_with_its_sides_and_the_detail_compared(message, sides, detail):
    assert parse(message) == Comparison(sides, detail)


@pytest.mark.parametrize("message", [
    "đăng ký thường trú ở tỉnh khác", "đăng ký kết hôn với người nước ngoài", "tôi nên nộp ở đâu",
    "khai quyết toán thuế đối với tổ chức", "phí bao nhiêu", "cái nào cũng được",
])
def test_a_question_that_compares_nothing_is_not_a_comparison(message):
    assert parse(message) is None


def test_two_named_procedures_are_shown_side_by_side_on_the_detail_asked(domain):
    messages, events = run(ActionAnswerProcedure(), domain, text="đăng ký kết hôn và đăng ký khai tử cái nào rẻ hơn",
                           intent="ask_procedure")
    [reply] = messages
    assert reply["response"] == "utter_procedure_comparison"
    assert reply["rows"].index("Đăng ký kết hôn") < reply["rows"].index("Đăng ký khai tử")
    assert "Phí, lệ phí" in reply["rows"] and "Thời gian" not in reply["rows"]
    assert len(phrase(domain, reply["response"], rows=reply["rows"])) <= SUMMARY_LIMIT
    assert [b["payload"] for b in reply["buttons"]] == ['/choose_procedure{"procedure_id":"ht-ket-hon"}',
                                                        '/choose_procedure{"procedure_id":"ht-khai-tu"}']
    assert events == [{"event": "slot", "timestamp": None, "name": "compared_procedures",
                       "value": ["ht-ket-hon", "ht-khai-tu"]}]


def test_which_is_cheaper_compares_the_two_procedures_discussed_last(domain):
    discussed = [{"event": "slot", "name": "procedure_id", "value": v} for v in ("ht-khai-sinh", "cu-tam-tru")]
    messages, _ = run(ActionReplySmallTalk(), domain, text="cái nào rẻ hơn", intent="thank",
                      slots={"procedure_id": "cu-tam-tru"}, events=discussed)
    [reply] = messages
    assert reply["response"] == "utter_procedure_comparison"
    assert reply["rows"].index("Đăng ký khai sinh") < reply["rows"].index("Đăng ký tạm trú")


def test_with_one_procedure_discussed_the_bot_asks_what_to_compare_it_with(domain):
    discussed = [{"event": "slot", "name": "procedure_id", "value": "ht-ket-hon"}]
    messages, events = run(ActionReplySmallTalk(), domain, text="cái nào rẻ hơn", intent="thank",
                           slots={"procedure_id": "ht-ket-hon"}, events=discussed)
    assert [m["response"] for m in messages] == ["utter_ask_compare_with"] and events == []
    assert messages[0]["name"] == "Đăng ký kết hôn"


def test_the_procedure_in_context_is_compared_with_the_one_named(domain):
    discussed = [{"event": "slot", "name": "procedure_id", "value": "cu-tam-tru"}]
    messages, _ = run(ActionAnswerProcedure(), domain, text="khác gì so với hộ chiếu", intent="ask_procedure",
                      slots={"procedure_id": "cu-tam-tru"}, events=discussed)
    [reply] = messages
    assert reply["rows"].index("Đăng ký tạm trú") < reply["rows"].index("Cấp hộ chiếu phổ thông")
    assert "Phí, lệ phí" in reply["rows"] and "Thời gian" in reply["rows"] and "Nơi nộp" in reply["rows"]
