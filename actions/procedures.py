"""Answering procedure questions from the knowledge base, with follow-ups on the same procedure."""
from __future__ import annotations

import logging
from dataclasses import replace
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from sqlalchemy.exc import SQLAlchemyError

from actions.buttons import BUTTON_TITLE, record_buttons, with_entities
from actions.comparison import answer_comparison
from actions.context import About, AboutFaq, Candidates, Confirm, FollowUp, follow_up, read
from actions.courtesy import is_insult
from actions.knowledge import knowledge_base
from actions.procedure_text import ProcedureText, short_name, shorten
from actions.yes_no import QUOTE, find_quote, is_yes_no
from appdb.journal import record_unanswered
from knowledge_base import KnowledgeBaseError
from knowledge_base.schema import Faq, Procedure, Record
from knowledge_base.search import SearchResult
from knowledge_base.text import expand, syllables

log = logging.getLogger(__name__)

CANDIDATES = 3
RELATED = 3          # related procedures offered as buttons under an answer
# Follow-up intent -> (response, the ProcedureText method that fills its main field).
DETAILS = {
    "ask_documents": ("utter_procedure_documents", "documents"),
    "ask_fee": ("utter_procedure_fee", "fee"),
    "ask_duration": ("utter_procedure_duration", "duration"),
    "ask_where": ("utter_procedure_where", "where"),
    "ask_steps": ("utter_procedure_steps", "steps"),
    "ask_online": ("utter_procedure_online", "online"),
}


def detail_buttons(domain: dict[str, Any], record_id: str) -> list[dict[str, str]]:
    """The detail buttons of the domain, each carrying the record it belongs to: pressed
    under an earlier answer, it answers for that record, not for whatever is current."""
    return [{"title": b["title"], "payload": with_entities(b["payload"], procedure_id=record_id)}
            for b in domain["responses"]["utter_detail_buttons"][0]["buttons"]]


def answer_record(dispatcher: CollectingDispatcher, domain: dict[str, Any], record: Record,
                  tracker: Tracker | None = None) -> list[dict]:
    """Send the short answer for a record; remember it as the procedure under discussion."""
    text = ProcedureText(domain)
    noted = noted_records(tracker)
    if isinstance(record, Faq):
        dispatcher.utter_message(response="utter_faq_answer", answer=record.answer,
                                 verification=text.ending(record, record.id in noted))
        return note_given(noted, record.id)
    dispatcher.utter_message(response="utter_procedure_summary", buttons=detail_buttons(domain, record.id),
                             **text.summary(record, record.id in noted))
    related = [r for r in map(knowledge_base().get, record.related) if r is not None][:RELATED]
    if related:
        dispatcher.utter_message(response="utter_related_procedures", buttons=record_buttons(related))
    dispatcher.utter_message(response="utter_ask_rating")
    return [SlotSet("procedure_id", record.id), *note_given(noted, record.id)]


def noted_records(tracker: Tracker | None) -> list[str]:
    """The records whose provenance note this conversation has already shown."""
    return list((tracker.get_slot("noted_records") if tracker else None) or [])


def note_given(noted: list[str], record_id: str) -> list[dict]:
    return [] if record_id in noted else [SlotSet("noted_records", [*noted, record_id])]


def offer_candidates(dispatcher: CollectingDispatcher, result: SearchResult) -> None:
    dispatcher.utter_message(response="utter_did_you_mean",
                             buttons=record_buttons([hit.record for hit in result.hits[:CANDIDATES]]))


class ActionAnswerProcedure(Action):
    """A procedure question: the knowledge base decides which record, and how sure it is."""

    def name(self) -> str:
        return "action_answer_procedure"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list[dict]:
        kb = knowledge_base()
        try:
            chosen = next(tracker.get_latest_entity_values("procedure_id"), None)
            if chosen:
                record = kb.get(chosen)
                if record is None:
                    dispatcher.utter_message(response="utter_procedure_not_found")
                    return []
                return answer_record(dispatcher, domain, record, tracker)
            text = tracker.latest_message.get("text") or ""
            compared = answer_comparison(dispatcher, domain, tracker, kb, text)
            if compared is not None:
                return compared
            reading = read(text)
            current = tracker.get_slot("procedure_id")
            if reading.detail and not reading.names_something and current:
                # "thế còn phí thì sao": a detail of the procedure in context, whatever NLU said
                return answer_follow_up(dispatcher, domain, tracker, reading.detail)
            if reading.detail and (current or tracker.get_slot("compared_procedures")):
                # mid-conversation, "thế tạm trú cần giấy tờ gì" asks the detail of the record it
                # clearly names (a first question gets the summary, which holds the key facts);
                # anything less clear is searched below
                events = answer_named(dispatcher, domain, tracker, follow_up(kb, current, text), reading.detail)
                if events is not None:
                    return events
            record = kb.get(current) if current else None
            if isinstance(record, Procedure) and reading.detail is None and is_yes_no(text):
                # "có cần chủ hộ đồng ý không" mid-conversation: about the procedure in context
                return answer_yes_no(dispatcher, domain, tracker, record, text)
            result = search_question(kb, text)
        except KnowledgeBaseError:
            log.exception("knowledge base unavailable")
            dispatcher.utter_message(response="utter_technical_problem")
            return []
        return answer_result(dispatcher, domain, tracker, result)


def search_question(kb, text: str) -> SearchResult:
    """The question as typed; if that finds no clear answer, the words that name the procedure
    alone ("đk kết hôn cần những gì" -> "đk kết hôn": the detail words drew it off topic), then
    those words with their short forms written out ("xin lltp" -> "lý lịch tư pháp", which the
    embedding model knows)."""
    result = kb.search(text)
    if result.decision == "answer":
        return result
    if result.decision == "clarify" and result.best and names_exactly(result.best.record, text):
        return replace(result, decision="answer")      # "chứng thực di chúc" is that record's very name
    topic = read(text).topic
    for narrowed in dict.fromkeys((topic, " ".join(expand(topic)))):
        if narrowed and narrowed != text:
            found = kb.search(narrowed)
            if found.decision == "answer":
                return found
    return result


def names_exactly(record: Record, text: str) -> bool:
    """The message is one of the record's names (folded, without a leading "thủ tục")."""
    def bare(name: str) -> str:
        return " ".join(syllables(name)).removeprefix("thu tuc ")
    return bare(text) in {bare(name) for name in record.names()}


# Folded words that make a message a question ("thế nộp ở đâu", "cần gì", "mấy ngày").
QUESTION_WORDS = ("bao nhieu", "bao lau", "o dau", "cho nao", "the nao", "nhu nao", "lam sao", "ra sao",
                  "may ngay", "khi nao", "gi", "nao")
CLOSING_PARTICLES = frozenset({"chua", "khong", "ko", "k", "hong"})   # a question only at the end: "xong chưa"


def reads_as_question(text: str) -> bool:
    """A question mark, a yes/no question or a question word: not a remark about the answer
    ("thông tin lệ phí chưa rõ ràng" is a remark)."""
    folded = syllables(text)
    words = " " + " ".join(folded) + " "
    return ("?" in text or is_yes_no(text) or any(f" {w} " in words for w in QUESTION_WORDS)
            or bool(folded and folded[-1] in CLOSING_PARTICLES))


def answer_question(dispatcher: CollectingDispatcher, domain: dict[str, Any], tracker: Tracker,
                    text: str) -> list[dict]:
    """Answer a typed question wherever it arrives: a detail of the procedure in context, or a
    procedure question for the knowledge base."""
    detail = read(text).detail
    if detail:
        return answer_follow_up(dispatcher, domain, tracker, detail)
    return answer_result(dispatcher, domain, tracker, search_question(knowledge_base(), text))


def answer_result(dispatcher: CollectingDispatcher, domain: dict[str, Any], tracker: Tracker,
                  result: SearchResult) -> list[dict]:
    if result.decision == "answer":
        return answer_record(dispatcher, domain, result.hits[0].record, tracker)
    if result.decision == "clarify":
        offer_candidates(dispatcher, result)
        return []
    dispatcher.utter_message(response="utter_procedure_not_found")
    remember_unanswered(result.query)
    return []


def remember_unanswered(question: str) -> None:
    """Log a question for staff (never an insult); a database failure must not cost the citizen the reply."""
    if is_insult(question):
        return
    try:
        record_unanswered(question)
    except SQLAlchemyError:
        log.exception("could not store an unanswered question")


class ActionAnswerDetail(Action):
    """A follow-up ("lệ phí bao nhiêu?") about the procedure under discussion, or a new one it names."""

    def name(self) -> str:
        return "action_answer_detail"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list[dict]:
        intent = tracker.latest_message.get("intent", {}).get("name")
        return answer_follow_up(dispatcher, domain, tracker, intent if intent in DETAILS else "ask_documents")


def answer_follow_up(dispatcher: CollectingDispatcher, domain: dict[str, Any], tracker: Tracker,
                     intent: str) -> list[dict]:
    """Answer one detail: for the record a pressed button carries, else for the procedure in
    context unless the message clearly names another; a weakly named one is asked about first."""
    kb = knowledge_base()
    current = tracker.get_slot("procedure_id")
    try:
        pressed = next(tracker.get_latest_entity_values("procedure_id"), None)
        record = kb.get(pressed) if pressed else None
        if isinstance(record, Procedure):
            return answer_detail(dispatcher, domain, tracker, record, intent)
        text = tracker.latest_message.get("text") or ""
        if text.startswith("/"):
            text = ""
        compared = answer_comparison(dispatcher, domain, tracker, kb, text)
        if compared is not None:
            return compared
        reading = read(text)
        if reading.names_something and reading.detail is None:
            # typed without a single detail word ("dang ky giam ho"): a question about a procedure
            return answer_result(dispatcher, domain, tracker, search_question(kb, text))
        outcome = follow_up(kb, current, text)
    except KnowledgeBaseError:
        log.exception("knowledge base unavailable")
        dispatcher.utter_message(response="utter_technical_problem")
        return []
    events = answer_named(dispatcher, domain, tracker, outcome, intent)
    if events is not None:
        return events
    if isinstance(outcome, Confirm):
        confirm_switch(dispatcher, outcome, intent)
        return []
    if isinstance(outcome, Candidates):
        offer_candidates(dispatcher, outcome.result)
        return []
    dispatcher.utter_message(response="utter_ask_which_procedure")
    return []


def answer_named(dispatcher: CollectingDispatcher, domain: dict[str, Any], tracker: Tracker, outcome: FollowUp,
                 intent: str) -> list[dict] | None:
    """The answer when a follow-up is clearly about one record: its detail, or the catalog answer
    that covers it; None when the follow-up is less clear (to confirm, choose or ask)."""
    if isinstance(outcome, About):
        return answer_detail(dispatcher, domain, tracker, outcome.record, intent)
    if isinstance(outcome, AboutFaq):
        return answer_record(dispatcher, domain, outcome.record, tracker)
    return None


def answer_detail(dispatcher: CollectingDispatcher, domain: dict[str, Any], tracker: Tracker,
                  procedure: Procedure, intent: str) -> list[dict]:
    """One detail of a procedure, which becomes the procedure under discussion."""
    response, field = DETAILS[intent]
    events = [] if procedure.id == tracker.get_slot("procedure_id") else [SlotSet("procedure_id", procedure.id)]
    text = ProcedureText(domain)
    case = _case_number(tracker)
    if field == "documents" and case is None and len(procedure.cases) > 1:
        ask_case(dispatcher, procedure)
        return events
    noted = noted_records(tracker)
    value = text.documents(procedure, case) if field == "documents" else getattr(text, field)(procedure)
    dispatcher.utter_message(
        response=response, name=procedure.name, agency=text.agency(procedure), url=text.url(procedure),
        verification=text.ending(procedure, procedure.id in noted), **{field: value},
    )
    return events + note_given(noted, procedure.id)


def confirm_switch(dispatcher: CollectingDispatcher, outcome: Confirm, intent: str) -> None:
    """Weak evidence of another procedure: ask, with both answers as buttons (proposed first)."""
    buttons = [{"title": short_name(p.name, BUTTON_TITLE), "payload": with_entities(f"/{intent}", procedure_id=p.id)}
               for p in (outcome.proposed, outcome.current)]
    dispatcher.utter_message(response="utter_confirm_switch", proposed=outcome.proposed.name,
                             current=outcome.current.name, buttons=buttons)


def answer_yes_no(dispatcher: CollectingDispatcher, domain: dict[str, Any], tracker: Tracker,
                  procedure: Procedure, question: str) -> list[dict]:
    """A yes/no question about the procedure in context: the record's own words, or that it is silent."""
    quote = find_quote(procedure, question)
    if quote is None:
        dispatcher.utter_message(response="utter_record_does_not_say", name=procedure.name,
                                 buttons=detail_buttons(domain, procedure.id))
        return []
    text = ProcedureText(domain)
    noted = noted_records(tracker)
    dispatcher.utter_message(response="utter_record_says", name=procedure.name,
                             part=text.say_part(quote.part), quote=shorten(quote.text, QUOTE),
                             verification=text.ending(procedure, procedure.id in noted))
    return note_given(noted, procedure.id)


def ask_case(dispatcher: CollectingDispatcher, procedure: Procedure) -> None:
    """Documents depend on the case: list the cases and let the citizen pick one."""
    listing = "\n".join(f"{n}. {case}" for n, case in enumerate(procedure.cases, 1))
    buttons = [{"title": short_name(f"{n}. {case}", BUTTON_TITLE),
                "payload": with_entities("/ask_documents", procedure_id=procedure.id, document_case=str(n))}
               for n, case in enumerate(procedure.cases, 1)]
    dispatcher.utter_message(response="utter_ask_document_case", name=procedure.name, cases=listing,
                             buttons=buttons)


def _case_number(tracker: Tracker) -> int | None:
    value = next(tracker.get_latest_entity_values("document_case"), None)
    return int(value) if isinstance(value, str) and value.isdigit() else None
