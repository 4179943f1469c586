"""The compiled check of the action server's replies accepts and rejects what Rasa's own does."""
import pytest
from jsonschema import ValidationError
from rasa.core.actions.action import RemoteAction

from scripts.rasa_speedups import compile_action_reply_check

VALID = [
    {"events": [], "responses": []},
    {"events": [{"event": "slot", "name": "procedure_id", "value": "ht-khai-sinh"}],
     "responses": [{"response": "utter_procedure_summary", "buttons": [{"title": "Lệ phí", "payload": "/ask_fee"}]}]},
    {"events": [{"event": "followup", "name": "action_listen"}, {"event": "action_execution_rejected",
                                                                  "name": "feedback_form"}]},
]
INVALID = [
    {"events": "not a list"},
    {"events": [{"name": "procedure_id"}]},              # no event type
    {"events": [], "responses": ["plain text"]},          # a response must be an object
]


@pytest.fixture(scope="module")
def rasa_check():
    original = RemoteAction._validate_action_result
    compile_action_reply_check()
    yield original
    RemoteAction._validate_action_result = original


@pytest.mark.parametrize("reply", VALID)
def test_valid_replies_pass(rasa_check, reply):
    action = RemoteAction("action_answer_procedure", None)
    assert rasa_check(action, reply) is True
    assert action._validate_action_result(reply) is True


@pytest.mark.parametrize("reply", INVALID)
def test_invalid_replies_raise_rasas_error(rasa_check, reply):
    action = RemoteAction("action_answer_procedure", None)
    with pytest.raises(ValidationError):
        rasa_check(action, reply)
    with pytest.raises(ValidationError, match="Failed to validate Action server response"):
        action._validate_action_result(reply)


def test_compiling_twice_keeps_one_layer(rasa_check):
    compiled = RemoteAction._validate_action_result
    compile_action_reply_check()
    assert RemoteAction._validate_action_result is compiled
