"""Small talk weighed against the message's words and the knowledge base (actions/small_talk.py)."""
from actions.procedures import ActionAnswerDetail
from actions.small_talk import ActionReplySmallTalk
from tests.actions.conftest import run


def responses(messages):
    return [m["response"] for m in messages]


def test_a_real_goodbye_is_answered_as_one():
    messages, events = run(ActionReplySmallTalk(), domain=DOMAIN(), text="tạm biệt nhé", intent="goodbye")
    assert responses(messages) == ["utter_goodbye"] and events == []


def test_a_procedure_question_taken_for_a_goodbye_is_answered():
    messages, _ = run(ActionReplySmallTalk(), domain=DOMAIN(), text="làm hộ chiếu phổ thông", intent="goodbye")
    assert responses(messages)[0] == "utter_procedure_summary"


def test_a_detail_question_taken_for_thanks_answers_the_detail_of_the_procedure_in_context():
    messages, _ = run(ActionReplySmallTalk(), domain=DOMAIN(), text="vâng cảm ơn, thế lệ phí bao nhiêu",
                      intent="thank", slots={"procedure_id": "ht-ket-hon"})
    assert responses(messages) == ["utter_procedure_fee"] and messages[0]["name"] == "Đăng ký kết hôn"


def test_a_yes_after_a_switch_question_picks_the_proposed_procedure(domain):
    asked = {"event": "bot", "metadata": {"utter_action": "utter_confirm_switch"},
             "data": {"buttons": [{"title": "Hộ chiếu", "payload": '/ask_fee{"procedure_id":"hc-ho-chieu"}'},
                                  {"title": "Khai sinh", "payload": '/ask_fee{"procedure_id":"ht-khai-sinh"}'}]}}
    for text, intent, name in (("đúng rồi", "affirm", "Cấp hộ chiếu phổ thông"), ("không", "deny", "Đăng ký khai sinh")):
        user = {"event": "user", "text": text, "parse_data": {"intent": {"name": intent}}}
        messages, _ = run(ActionReplySmallTalk(), domain, text=text, intent=intent,
                          slots={"procedure_id": "ht-khai-sinh"}, events=[asked, user])
        assert responses(messages) == ["utter_procedure_fee"] and messages[0]["name"] == name


def test_the_provenance_note_is_given_once_per_record(domain):
    first, events = run(ActionAnswerDetail(), domain, text="lệ phí", intent="ask_fee", slots={"procedure_id": "ht-ket-hon"})
    noted = events[-1]["value"]
    again, events = run(ActionAnswerDetail(), domain, text="mất bao lâu", intent="ask_duration",
                        slots={"procedure_id": "ht-ket-hon", "noted_records": noted})
    assert first[0]["verification"] and again[0]["verification"] == "" and events == []


_domain = {}


def DOMAIN():
    if not _domain:
        from tests.actions.conftest import ROOT
        import yaml

        _domain["responses"] = {}
        for path in sorted((ROOT / "bot" / "domain").glob("*.yml")):
            _domain["responses"].update(yaml.safe_load(path.read_text(encoding="utf-8")).get("responses", {}))
    return _domain


def test_a_question_taken_for_off_topic_is_answered_when_the_knowledge_base_knows_it(domain):
    messages, _ = run(ActionReplySmallTalk(), domain, text="em sắp đi làm ở Nhật, cần làm hộ chiếu phổ thông ở đâu ạ",
                      intent="out_of_scope")
    assert responses(messages)[0] in ("utter_procedure_where", "utter_procedure_summary")
    assert messages[0]["name"] == "Cấp hộ chiếu phổ thông"


def test_an_off_topic_message_is_declined(domain):
    messages, _ = run(ActionReplySmallTalk(), domain, text="hôm nay trời mưa to quá", intent="out_of_scope")
    assert responses(messages) == ["utter_out_of_scope"]


def test_an_off_topic_price_question_is_not_taken_for_a_fee_question(domain):
    messages, _ = run(ActionReplySmallTalk(), domain, text="giá vàng hôm nay bao nhiêu", intent="out_of_scope",
                      slots={"procedure_id": "ht-ket-hon"})
    assert responses(messages) == ["utter_out_of_scope"]


def test_a_message_taken_for_a_goodbye_without_one_in_it_is_searched_as_a_question(domain):
    messages, _ = run(ActionReplySmallTalk(), domain, text="dang ky ket hom", intent="goodbye")
    assert responses(messages)[0] in ("utter_did_you_mean", "utter_procedure_not_found", "utter_procedure_summary")


def test_a_goodbye_that_names_a_procedure_is_still_a_goodbye(domain):
    messages, _ = run(ActionReplySmallTalk(), domain, text="cảm ơn, để mai tôi hỏi tiếp về khai sinh sau nhé",
                      intent="goodbye")
    assert responses(messages) == ["utter_goodbye"]
