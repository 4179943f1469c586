"""The conversation suite against the real trained bot: the tuned part must meet its goal; the
held-out fifth is reported and gated only at a floor (benchmarks/conversations.py prints the same)."""
import uuid

import pytest

from tests.conversations.suite import Names, TrackerFile, load_scenarios, play, report, shares

TUNED_FULLY_RIGHT = 0.90     # share of tuned scenarios fully right, at least (measured 0.987)
TUNED_FAILED = 0.03          # share of tuned scenarios failed, at most (measured 0.006)
HELD_OUT_FULLY_RIGHT = 0.75  # a floor for the held-out part, which is never tuned on (measured 0.925)


def test_the_suite_covers_every_class_with_a_held_out_fifth():
    scenarios = load_scenarios()
    assert len(scenarios) >= 150
    assert {s.group for s in scenarios} >= {"follow_ups", "small_talk", "wordings", "dead_ends", "phone",
                                            "feedback", "stories", "yes_no", "comparisons", "referrals"}
    held_out = sum(s.held_out for s in scenarios) / len(scenarios)
    assert 0.18 <= held_out <= 0.25


@pytest.fixture(scope="module")
def results(stack, conversation):
    tracker, names = TrackerFile(stack.env["RASA_TRACKER_DB"]), Names()
    played = []
    for scenario in load_scenarios():
        conversation.sender = f"suite-{scenario.id}-{uuid.uuid4().hex[:6]}"
        played.append(play(scenario, conversation.sender, lambda _sender, text: conversation.say(text),
                           tracker, names))
    print("\n" + report(played))
    return played


@pytest.fixture(scope="module")
def conversation(stack):
    from tests.conftest import Conversation

    return Conversation(stack.rasa_url)


def test_tuned_scenarios_meet_the_goal(results):
    tuned = shares([r for r in results if not r.scenario.held_out])
    assert tuned.full >= TUNED_FULLY_RIGHT and tuned.failed <= TUNED_FAILED, report(results)


def test_held_out_scenarios_stay_above_the_floor(results):
    held_out = shares([r for r in results if r.scenario.held_out])
    assert held_out.full >= HELD_OUT_FULLY_RIGHT, report(results, show_held_out=False)
