"""The suite's own checks, on recorded replies (no servers): each failure class is caught."""
from collections import Counter

from tests.conversations.suite import Names, Reply, Turn, check_turn, fold, load_scenarios, press

NAMES = Names()


def check(turn: Turn, reply: Reply, before: str | None = None):
    return check_turn(turn, reply, before, NAMES, Counter())


def summary(text: str = "📋 Thủ tục đăng ký khai sinh") -> dict:
    return {"text": text, "buttons": [{"title": "Lệ phí", "payload": '/ask_fee{"procedure_id":"1.001193"}'}]}


def test_an_answer_about_another_procedure_is_a_failure():
    turn = Turn(say="phi bao nhieu", kind=("fee",), stays=True)
    reply = Reply(({"text": "💰 Phí"},), ("utter_procedure_fee",), "1.000656")
    assert check(turn, reply, before="1.001193").severe


def test_a_goodbye_to_a_question_is_a_failure_and_a_clarification_only_a_problem():
    turn = Turn(say="lập di chúc cần gì", kind=("answer", "documents"))
    assert check(turn, Reply(({"text": "Cảm ơn"},), ("utter_goodbye",), None)).severe
    unsure = check(turn, Reply(({"text": "?"},), ("utter_did_you_mean",), None))
    assert unsure.problems and not unsure.severe


def test_an_empty_reply_is_a_dead_end():
    assert check(Turn(say="quay lại trợ lý ảo"), Reply((), (), None)).severe


def test_phone_size_is_checked():
    long = Reply(({"text": "📋 " + "x" * 700, "buttons": [{"title": "y" * 41, "payload": "/a"}]},),
                 ("utter_procedure_summary",), "1.001193")
    problems = check(Turn(say="q"), long).problems
    assert any("summary" in p for p in problems) and any("button" in p for p in problems)
    side_by_side = Reply(({"text": "⚖️ " + "x" * 700},), ("utter_procedure_comparison",), None)
    assert any("comparison of" in p for p in check(Turn(say="q"), side_by_side).problems)


def test_a_repeated_provenance_note_is_caught():
    seen = Counter()
    note = Reply(({"text": "📄 Hồ sơ\n📘 Nguồn: Cổng Dịch vụ công quốc gia, cập nhật 17/07/2026: u"},),
                 ("utter_procedure_documents",), "1.001193")
    assert not check_turn(Turn(say="a"), note, "1.001193", NAMES, seen).problems
    assert check_turn(Turn(say="b"), note, "1.001193", NAMES, seen).problems


def test_the_procedure_is_matched_by_name_typed_either_way():
    turn = Turn(say="dk khai sinh", kind=("answer",), procedure=(fold("khai sinh"),))
    assert not check(turn, Reply((summary(),), ("utter_procedure_summary",), "1.001193")).problems


def test_buttons_are_pressed_by_title():
    assert press([summary()], "lệ phí") == '/ask_fee{"procedure_id":"1.001193"}'
    assert press([summary()], "Các bước") is None


def test_the_scenarios_load_and_name_known_reply_kinds():
    from tests.conversations.suite import KINDS

    kinds = set(KINDS.values())
    for scenario in load_scenarios():
        for turn in scenario.turns:
            assert set(turn.kind) | set(turn.forbid) <= kinds, scenario.id
            assert turn.say or turn.press, scenario.id
