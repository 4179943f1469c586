"""A procedure record's fields as short chat texts, for the domain's response templates.

Values are shown as the record states them. A value the import flagged (a fee the People's
Council sets, a time without a unit, an amount its own description contradicts) is shown
with what is known and where to check, never completed by a guess.
"""
from __future__ import annotations

import re
from typing import Any, Callable

from actions.responses import phrase
from knowledge_base.schema import Document, Faq, Method, Procedure

SUMMARY_DOCUMENTS = 3
SHORT_ITEM = 70      # characters of one document name in a summary
SUMMARY_VALUE = 120  # characters of one value (a channel's fee or time, the place) in a summary
BULLET = "-+•*. "   # list marks some records keep at the start of a document name
DESCRIPTION = 300
# Flag reasons of a method's value -> the response that words it for citizens.
# Any other flag on the value: utter_value_needs_check.
FEE_FLAGS = {"fee_set_by_council": "utter_fee_set_by_council",
             "fee_only_in_description": "utter_fee_only_in_description",
             "fee_contradicts_description": "utter_fee_contradicts_description",
             "free_but_description_amount": "utter_fee_contradicts_description"}
TIME_FLAGS = {"bare_number_time": "utter_time_without_unit"}
# A documents field that holds something else (a collection fault): no list is shown from it.
BROKEN_DOCUMENTS = frozenset({"misplaced_text", "unparsed"})
NUMBERED_STEP = re.compile(r"^Bước\s*\d")   # official steps carry their own number


SUMMARY_LIMIT = 600  # characters of a summary before its buttons: one phone screen (390×844)
# Ever shorter summaries, tried in turn until one fits: (name characters, None: whole; value
# characters; documents listed; document characters). The national code and the page cited
# below the summary give the whole name when it has to be shortened.
SUMMARY_SIZES = ((None, SUMMARY_VALUE, SUMMARY_DOCUMENTS, SHORT_ITEM), (None, 90, 2, 50), (160, 70, 1, 45),
                 (110, 50, 0, 0), (90, 45, 0, 0), (90, 45, 0, 0))
SUMMARY_LINES = (None, None, 3, 3, 2, 0)   # channel lines of a value, per size (0: a pointer only)
# The responses that point to a value's channels not listed: (all of them, the rest), to the
# buttons under the message.
CHANNEL_POINTERS = ("utter_values_per_channel", "utter_more_channels")
_PARENTHESES = re.compile(r"\s*\([^()]*\)")
_PROCEDURE_WORD = re.compile(r"^thủ tục\s+", re.IGNORECASE)
_CLAUSE = re.compile(r"\s*(?:[,;:]|\s[–-])\s")


def short_name(name: str, limit: int) -> str:
    """A record's name short enough for a button: without parentheses ("(thực hiện tại cấp
    tỉnh)") or a leading "Thủ tục", then its first clause, and only then cut at a word."""
    short = _PROCEDURE_WORD.sub("", _PARENTHESES.sub("", name)).strip() or name
    short = short[:1].upper() + short[1:]
    if len(short) > limit:
        first = _CLAUSE.split(short, 1)[0]
        short = first if 15 <= len(first) <= limit else short
    return shorten(short, limit)


def shorten(text: str, limit: int = SHORT_ITEM) -> str:
    """At most `limit` characters, cut at a word boundary."""
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    return (cut.rsplit(" ", 1)[0] if " " in cut else cut).rstrip(" ,;:.(") + "…"


class ProcedureText:
    """Renders one record with the wording of one domain."""

    def __init__(self, domain: dict[str, Any]):
        self.domain = domain
        self.unknown = phrase(domain, "utter_value_unknown")

    def _say(self, response: str, **values: Any) -> str:
        return phrase(self.domain, response, **values)

    def _per_channel(self, procedure: Procedure, value: Callable[[Method], str | None],
                     limit: int | None = None, lines: int | None = None,
                     pointers: tuple[str, str] = CHANNEL_POINTERS) -> str:
        """One value, or one line per channel (the first `lines` of them, then a pointer to the rest)."""
        methods = procedure.methods or ()
        values = [(m.channel, value(m)) for m in methods if value(m)]
        if limit:
            values = [(c, shorten(v, limit)) for c, v in values]
        if not values:
            return self.unknown
        if len({v for _, v in values}) == 1 and len(values) == len(methods):
            return values[0][1]
        if lines == 0:
            return self._say(pointers[0], count=len(values))
        listed = [f"- {self._say(f'utter_channel_{c}')}: {v}" for c, v in values[:lines]]
        if lines is not None and len(values) > lines:
            listed.append(self._say(pointers[1], count=len(values) - lines))
        return "\n".join(listed)

    def _flagged(self, procedure: Procedure, method: Method, part: str, wording: dict[str, str],
                 stated: str | None) -> str | None:
        """A method's fee or time as stated, or in the words of its flag."""
        flags = procedure.flags_for(f"methods[{method.channel}].{part}")
        if not flags:
            return stated
        response = next((wording[f.reason] for f in flags if f.reason in wording), "utter_value_needs_check")
        return self._say(response, stated=stated or "")

    def _fee_of(self, procedure: Procedure, method: Method, with_description: bool) -> str | None:
        fee = self._flagged(procedure, method, "fee", FEE_FLAGS, method.fee)
        if with_description and method.description:
            described = self._say("utter_method_description", description=shorten(method.description, DESCRIPTION))
            return f"{fee}\n{described}" if fee else described
        return fee

    def fee(self, procedure: Procedure) -> str:
        return self._per_channel(procedure, lambda m: self._fee_of(procedure, m, True))

    def fee_short(self, procedure: Procedure, limit: int = SUMMARY_VALUE, lines: int | None = None,
                  pointers: tuple[str, str] = CHANNEL_POINTERS) -> str:
        return self._per_channel(procedure, lambda m: self._fee_of(procedure, m, False), limit, lines, pointers)

    def duration(self, procedure: Procedure, limit: int | None = None, lines: int | None = None,
                 pointers: tuple[str, str] = CHANNEL_POINTERS) -> str:
        return self._per_channel(procedure, lambda m: self._flagged(
            procedure, m, "processing_time", TIME_FLAGS, m.processing_time), limit, lines, pointers)

    def where(self, procedure: Procedure) -> str:
        if procedure.where_to_submit or procedure.agency:
            return procedure.where_to_submit or procedure.agency
        if procedure.provenance == "official":   # the record names no agency, but its level
            return self._say("utter_where_by_level", level=self.level(procedure))
        return self.unknown

    def agency(self, procedure: Procedure) -> str:
        return procedure.agency or self.unknown

    def level(self, procedure: Procedure) -> str:
        return ", ".join(self._say(f"utter_level_{level}") for level in procedure.levels)

    def code(self, procedure: Procedure) -> str:
        return procedure.national_code or self._say("utter_no_national_code")

    @staticmethod
    def documents_of(procedure: Procedure, case: int | None) -> tuple[Document, ...]:
        """The documents of one case (numbered from 1) plus those every case needs."""
        documents = procedure.documents or ()
        cases = procedure.cases
        if case is None or not cases or not 1 <= case <= len(cases):
            return documents
        return tuple(d for d in documents if d.case in (None, cases[case - 1]))

    def _documents_broken(self, procedure: Procedure) -> bool:
        return any(f.reason in BROKEN_DOCUMENTS for f in procedure.flags_for("documents"))

    def documents(self, procedure: Procedure, case: int | None = None) -> str:
        if self._documents_broken(procedure):
            return self._say("utter_documents_need_check")
        documents = self.documents_of(procedure, case)
        if not documents:
            return self.unknown
        lines, section = [], None
        if case is not None and 1 <= case <= len(procedure.cases):
            lines.append(self._say("utter_document_case_header", case=procedure.cases[case - 1]))
        for n, doc in enumerate(documents, 1):
            if doc.section and doc.section != section:
                section = doc.section
                lines.append(f"{section}:")
            extra = "; ".join(x for x in (doc.quantity, doc.form and f"mẫu: {doc.form}") if x)
            lines.append(f"{n}. {doc.name}" + (f" ({extra})" if extra else ""))
        return "\n".join(lines)

    def documents_short(self, procedure: Procedure, count: int = SUMMARY_DOCUMENTS, limit: int = SHORT_ITEM) -> str:
        if self._documents_broken(procedure):
            return self._say("utter_documents_need_check")
        if not procedure.documents:
            return self.unknown
        if len(procedure.cases) > 1:
            return self._say("utter_documents_depend_on_case", count=len(procedure.cases))
        names = [shorten(d.name.lstrip(BULLET), limit) for d in procedure.documents[:count]]
        rest = len(procedure.documents) - count
        if not names:
            return self._say("utter_documents_count", count=rest)
        if rest > 0:
            names.append(self._say("utter_more_documents", count=rest))
        return "; ".join(names)

    def steps(self, procedure: Procedure) -> str:
        if not procedure.steps:
            return self.unknown
        listed = "\n".join(step if NUMBERED_STEP.match(step) else f"{n}. {step}"
                           for n, step in enumerate(procedure.steps, 1))
        if procedure.flags_for("steps"):   # e.g. cut short where the portal page was split
            listed += "\n" + self._say("utter_steps_need_check")
        return listed

    def online(self, procedure: Procedure) -> str:
        if procedure.online_level is None and any(m.channel == "online" for m in procedure.methods or ()):
            return self._say("utter_online_available")
        return self._say(f"utter_online_{procedure.online_level or 'unknown'}")

    def say_part(self, part: str) -> str:
        """The name of a record's field as citizens read it ("điều kiện thực hiện")."""
        return self._say(f"utter_part_{part}")

    def url(self, record: Procedure | Faq) -> str:
        return getattr(record, "portal_url", None) or "https://dichvucong.hanoi.gov.vn"

    def verification(self, record: Procedure | Faq) -> str:
        """Where the facts come from, worded for their provenance."""
        return self._say(f"utter_{record.provenance}_note", date=record.last_checked.strftime("%d/%m/%Y"),
                         url=self.url(record))

    def ending(self, record: Procedure | Faq, already_noted: bool = False) -> str:
        """The end of an answer: its note after a blank line, or nothing when this conversation
        has shown the record's note already (once per record: a phone screen is small)."""
        return "" if already_noted else "\n\n" + self.verification(record)

    def summary(self, procedure: Procedure, already_noted: bool = False) -> dict[str, str]:
        """The summary's values, shortened until the summary fits one phone screen."""
        for (name, value, documents, document), lines in zip(SUMMARY_SIZES, SUMMARY_LINES):
            values = {
                "name": short_name(procedure.name, name) if name else procedure.name,
                "code": self.code(procedure), "level": self.level(procedure),
                "where": shorten(self.where(procedure), value),
                "duration": self.duration(procedure, value, lines),
                "fee": self.fee_short(procedure, value, lines), "documents": self.documents_short(procedure, documents, document),
                "verification": self.ending(procedure, already_noted),
            }
            if len(self._say("utter_procedure_summary", **values)) <= SUMMARY_LIMIT:
                break
        return values
