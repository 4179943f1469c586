"""A procedure record's fields as short chat texts, for the domain's response templates."""
from __future__ import annotations

from typing import Any, Callable

from actions.responses import phrase
from knowledge_base.schema import Faq, Procedure

SUMMARY_DOCUMENTS = 3
SHORT_ITEM = 110


def _short(text: str, limit: int = SHORT_ITEM) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


class ProcedureText:
    """Renders one record with the wording of one domain."""

    def __init__(self, domain: dict[str, Any]):
        self.domain = domain
        self.unknown = phrase(domain, "utter_value_unknown")

    def _per_channel(self, procedure: Procedure, value: Callable) -> str:
        methods = procedure.methods or ()
        values = [(m.channel, value(m)) for m in methods if value(m)]
        if not values:
            return self.unknown
        if len({v for _, v in values}) == 1 and len(values) == len(methods):
            return values[0][1]
        return "\n".join(f"- {phrase(self.domain, f'utter_channel_{c}')}: {v}" for c, v in values)

    def fee(self, procedure: Procedure) -> str:
        return self._per_channel(procedure, lambda m: m.fee)

    def duration(self, procedure: Procedure) -> str:
        return self._per_channel(procedure, lambda m: m.processing_time)

    def where(self, procedure: Procedure) -> str:
        return procedure.where_to_submit or procedure.agency or self.unknown

    def agency(self, procedure: Procedure) -> str:
        return procedure.agency or self.unknown

    def documents(self, procedure: Procedure) -> str:
        if not procedure.documents:
            return self.unknown
        lines = []
        for n, doc in enumerate(procedure.documents, 1):
            extra = "; ".join(x for x in (doc.quantity, doc.form and f"mẫu: {doc.form}") if x)
            lines.append(f"{n}. {doc.name}" + (f" ({extra})" if extra else ""))
        return "\n".join(lines)

    def documents_short(self, procedure: Procedure) -> str:
        if not procedure.documents:
            return self.unknown
        names = [_short(d.name) for d in procedure.documents[:SUMMARY_DOCUMENTS]]
        rest = len(procedure.documents) - SUMMARY_DOCUMENTS
        if rest > 0:
            names.append(phrase(self.domain, "utter_more_documents", count=rest))
        return "; ".join(names)

    def steps(self, procedure: Procedure) -> str:
        if not procedure.steps:
            return self.unknown
        return "\n".join(f"{n}. {step}" for n, step in enumerate(procedure.steps, 1))

    def online(self, procedure: Procedure) -> str:
        return phrase(self.domain, f"utter_online_{procedure.online_level or 'unknown'}")

    def url(self, record: Procedure | Faq) -> str:
        return getattr(record, "portal_url", None) or "https://dichvucong.hanoi.gov.vn"

    def verification(self, record: Procedure | Faq) -> str:
        response = "utter_verified_note" if record.verified else "utter_unverified_note"
        return phrase(self.domain, response, date=record.last_checked.strftime("%d/%m/%Y"), url=self.url(record))

    def summary(self, procedure: Procedure) -> dict[str, str]:
        return {
            "name": procedure.name, "where": self.where(procedure), "duration": self.duration(procedure),
            "fee": self.fee(procedure), "documents": self.documents_short(procedure),
            "verification": self.verification(procedure),
        }
