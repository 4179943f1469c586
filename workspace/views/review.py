"""The review queue (import flags and drafted records, oldest checked first), and unanswered
questions: grouped and counted, added as an alias or started as an FAQ, marked handled."""
from __future__ import annotations

import datetime as dt
from urllib.parse import urlencode

from sanic import Blueprint, response
from sanic.request import Request

from workspace import audit, options, questions, review
from workspace.content import ValidationError, to_raw
from workspace.forms import LABELS
from workspace.guard import staff
from workspace.publish import PublishError
from workspace.render import page, refused

pages = Blueprint("review")
PER_PAGE = 50


def _page_number(request: Request) -> int:
    value = request.args.get("page") or "1"
    return max(1, int(value)) if value.isdigit() else 1


@staff(pages, "/review")
def review_queue(request: Request, user):
    catalog = request.app.ctx.publisher.cache.catalog()
    reason = (request.args.get("reason") or "")[:64]
    items = review.queue(catalog, reason)
    number = _page_number(request)
    return page(request, "review.html", items=items[(number - 1) * PER_PAGE: number * PER_PAGE], total=len(items),
                number=number, pages=(len(items) + PER_PAGE - 1) // PER_PAGE, reason=reason,
                reasons=review.reasons(catalog), conflicts=review.conflicts(catalog), resolved=review.resolved(),
                query=urlencode({"reason": reason} if reason else {}))


@staff(pages, "/review/resolve", role="reviewer", methods=("POST",))
def review_resolve(request: Request, user):
    form = request.form
    record_id, field, reason = (form.get(k) or "" for k in ("record_id", "field", "reason"))
    decision = (form.get("decision") or "").strip()[:1000]
    if not (record_id and field and reason and decision):
        return refused(request, 400, "Cần ghi rõ quyết định (đã sửa gì, hay vì sao giữ nguyên).")
    review.resolve(record_id, field, reason, decision, user.username)
    audit.record(user.username, "resolve_flag", record_id, f"{field} {reason}: {decision}"[:500])
    return response.redirect(f"/review?{urlencode({'reason': form.get('filter') or ''})}", status=303)


@staff(pages, "/questions")
def unanswered(request: Request, user):
    number = _page_number(request)
    rows, total = questions.open_questions(PER_PAGE, (number - 1) * PER_PAGE)
    return page(request, "questions.html", rows=rows, total=total, number=number,
                pages=(total + PER_PAGE - 1) // PER_PAGE, message=request.args.get("msg") or "")


def _question(request: Request):
    row = questions.get(request.form.get("key") or "")
    return row, (None if row else refused(request, 404, "Không còn câu hỏi này (đã quá thời hạn lưu)."))


@staff(pages, "/questions/alias", methods=("POST",))
async def question_alias(request: Request, user):
    row, missing = _question(request)
    if missing:
        return missing
    publisher = request.app.ctx.publisher
    record = publisher.record((request.form.get("record_id") or "").strip())
    if record is None:
        return refused(request, 404, "Không có hồ sơ mã này: xem mã ở trang Hồ sơ thủ tục.")
    raw = to_raw(record)
    field = "aliases" if "aliases" in raw else "questions"
    raw[field] = [*raw[field], row.text]
    try:
        version = publisher.save(record, raw, user.username, "thêm câu hỏi chưa trả lời làm cách gọi khác")
        if options.get("publish_mode") == "immediate":
            await request.app.loop.run_in_executor(None, publisher.publish, version.id, user.username)
    except (PublishError, ValidationError) as error:
        return refused(request, 409, str(error))
    questions.mark_handled(row.key, user.username, f"alias:{record.id}")
    message = f"Đã thêm vào cách gọi của {record.id}" + (
        "" if options.get("publish_mode") == "immediate" else " (bản nháp: người duyệt công bố)")
    return response.redirect(f"/questions?{urlencode({'msg': message})}", status=303)


@staff(pages, "/questions/handled", methods=("POST",))
def question_handled(request: Request, user):
    row, missing = _question(request)
    if missing:
        return missing
    questions.mark_handled(row.key, user.username, "handled")
    audit.record(user.username, "question_handled", row.key[:200])
    return response.redirect("/questions", status=303)


def _faq_form(request: Request, raw: dict, key: str = "", problems=(), status: int = 200):
    return page(request, "faq_new.html", status=status, raw=raw, key=key, problems=problems, labels=LABELS)


@staff(pages, "/faqs/new")
def faq_new(request: Request, user):
    row = questions.get(request.args.get("from") or "")
    return _faq_form(request, {"questions": [row.text] if row else []}, row.key if row else "")


@staff(pages, "/faqs/new", methods=("POST",))
def faq_create(request: Request, user):
    form = request.form
    raw = {"id": (form.get("id") or "").strip(), "questions": [q.strip() for q in (form.get("questions") or "")
                                                               .splitlines() if q.strip()],
           "answer": (form.get("answer") or "").strip(), "related": [], "keywords": [],
           "source": (form.get("source") or "").strip(), "last_checked": dt.date.today().isoformat(),
           "verified": False}
    key = form.get("key") or ""
    try:
        version = request.app.ctx.publisher.create("faq", raw, user.username, "câu hỏi thường gặp mới")
    except ValidationError as error:
        return _faq_form(request, raw, key, error.problems, 400)
    if key and questions.get(key):
        questions.mark_handled(key, user.username, f"faq:{raw['id']}")
    return response.redirect(f"/records/{version.record_id}?{urlencode({'msg': 'Đã tạo bản nháp câu hỏi thường gặp.'})}",
                             status=303)
