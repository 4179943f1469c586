"""The hand-off inbox: conversations handed to a human, newest first; claim one, read its transcript
(masked), reply on the citizen's channel, hand it back to the assistant."""
from __future__ import annotations

from sanic import Blueprint, response
from sanic.request import Request

from appdb import handoffs
from appdb.tables import utc, utcnow
from workspace import audit
from workspace.guard import staff
from workspace.rasa_api import RasaApiError
from workspace.render import page, refused

pages = Blueprint("inbox")
MAX_REPLY = 2000


def _waiting_minutes(request_row) -> int:
    return int((utcnow() - utc(request_row.created_at)).total_seconds() // 60)


@staff(pages, "/inbox")
def inbox(request: Request, user):
    rows = handoffs.queue()
    return page(request, "inbox.html", rows=rows, waited=_waiting_minutes)


def _open_request(request: Request, request_id: int):
    row = handoffs.get(request_id)
    if row is None or row.status not in handoffs.OPEN or not row.conversation_id:
        return None, refused(request, 404, "Yêu cầu này không còn mở (đã trả về trợ lý ảo hoặc đã bị xóa).")
    return row, None


@staff(pages, "/inbox/<request_id:int>")
async def conversation(request: Request, user, request_id: int, error: str = "", status: int = 200):
    row, missing = _open_request(request, request_id)
    if missing:
        return missing
    try:
        lines = await request.app.loop.run_in_executor(None, request.app.ctx.rasa.transcript, row.conversation_id)
    except RasaApiError as failure:
        lines, error = [], f"Chưa đọc được cuộc trò chuyện: {failure}"
    return page(request, "conversation.html", status=status, row=row, lines=lines, error=error,
                waited=_waiting_minutes(row), mine=row.claimed_by == user.username)


@staff(pages, "/inbox/<request_id:int>/claim", methods=("POST",))
def claim(request: Request, user, request_id: int):
    row, missing = _open_request(request, request_id)
    if missing:
        return missing
    if not handoffs.claim(request_id, user.username):
        return refused(request, 409, f"Yêu cầu này đã có cán bộ {row.claimed_by} nhận.")
    audit.record(user.username, "handoff_claim", f"handoff {request_id}")
    return response.redirect(f"/inbox/{request_id}", status=303)


def _claimed_by_me(request: Request, user, request_id: int):
    row, missing = _open_request(request, request_id)
    if missing:
        return None, missing
    if row.claimed_by != user.username:
        return None, refused(request, 409, "Anh/Chị cần nhận yêu cầu này trước khi trả lời.")
    return row, None


@staff(pages, "/inbox/<request_id:int>/reply", methods=("POST",))
async def reply(request: Request, user, request_id: int):
    row, problem = _claimed_by_me(request, user, request_id)
    if problem:
        return problem
    text = (request.form.get("text") or "").strip()[:MAX_REPLY]
    if not text:
        return await conversation(request, user, request_id, "Chưa có nội dung trả lời.", 400)
    try:
        await request.app.loop.run_in_executor(None, request.app.ctx.rasa.reply, row.conversation_id, text)
    except RasaApiError as failure:
        return await conversation(request, user, request_id, f"Chưa gửi được: {failure}", 502)
    audit.record(user.username, "handoff_reply", f"handoff {request_id}", f"{len(text)} ký tự")
    return response.redirect(f"/inbox/{request_id}", status=303)


@staff(pages, "/inbox/<request_id:int>/return", methods=("POST",))
async def hand_back(request: Request, user, request_id: int):
    row, problem = _claimed_by_me(request, user, request_id)
    if problem:
        return problem
    try:
        await request.app.loop.run_in_executor(None, request.app.ctx.rasa.hand_back, row.conversation_id)
    except RasaApiError as failure:
        return await conversation(request, user, request_id, f"Chưa trả về trợ lý được: {failure}", 502)
    handoffs.close(request_id)
    audit.record(user.username, "handoff_return", f"handoff {request_id}")
    return response.redirect("/inbox", status=303)
