"""Records: search and filter, a record beside its official source text, edit, verify, publish,
history with diffs and revert, and an official re-import's conflicts."""
from __future__ import annotations

from urllib.parse import urlencode

from sanic import Blueprint, response
from sanic.request import Request

from workspace import audit, forms, options, versions
from workspace.content import LEVEL_NAMES, LEVELS, PROVENANCE_NAMES, Filters, ValidationError, kind_of, to_raw
from workspace.guard import staff
from workspace.publish import PublishError
from workspace.render import page, refused

pages = Blueprint("records")
PER_PAGE = 50
SOURCE_KEYS = {"result": "results"}          # the record's field -> the key of its source text


def _publisher(request: Request):
    return request.app.ctx.publisher


def _record_or_404(request: Request, record_id: str):
    record = _publisher(request).record(record_id) or _publisher(request).draft_record(record_id)
    if record is None:
        return None, refused(request, 404, f"Không có hồ sơ mã {record_id}.")
    return record, None


@staff(pages, "/records")
def record_list(request: Request, user):
    args = request.args
    filters = Filters(**{name: (args.get(name) or "").strip()[:200] for name in Filters.__dataclass_fields__})
    found = _publisher(request).cache.find(filters)
    number = max(1, int(args.get("page") or 1)) if (args.get("page") or "1").isdigit() else 1
    shown = found[(number - 1) * PER_PAGE: number * PER_PAGE]
    query = {k: v for k, v in vars(filters).items() if v}
    return page(request, "records.html", records=shown, total=len(found), filters=filters, number=number,
                pages=(len(found) + PER_PAGE - 1) // PER_PAGE, query=urlencode(query), pending=versions.pending_ids(),
                fields=_publisher(request).cache.fields(), levels=LEVELS, level_names=LEVEL_NAMES,
                provenance_names=PROVENANCE_NAMES, kind_of=kind_of)


def _view(request: Request, record, message: str = "", error: str = "", status: int = 200):
    raw = to_raw(record)
    state = versions.status(record.id, raw)
    sources = getattr(record, "source_text", {}) or {}
    rows = [(name, forms.LABELS.get(name, name), raw.get(name), sources.get(SOURCE_KEYS.get(name, name)))
            for name in raw if name not in ("id", "source_text", "flags")]
    return page(request, "record.html", status=status, record=record, raw=raw, rows=rows, state=state,
                kind=kind_of(record), flags=getattr(record, "flags", ()), message=message, error=error,
                provenance_names=PROVENANCE_NAMES, level_names=LEVEL_NAMES, channel_names=forms.CHANNEL_NAMES,
                publish_mode=options.get("publish_mode"))


@staff(pages, "/records/<record_id>")
def record_view(request: Request, user, record_id: str):
    record, missing = _record_or_404(request, record_id)
    return missing or _view(request, record, message=request.args.get("msg") or "")


def _edit_form(request: Request, record, raw: dict, problems: list[tuple[str, str]] = (), status: int = 200):
    kind = kind_of(record)
    return page(request, "edit.html", status=status, record=record, raw=raw, kind=kind, texts=forms.TEXTS[kind],
                lines=forms.LINES[kind], labels=forms.LABELS, channel_names=forms.CHANNEL_NAMES,
                method_parts=forms.METHOD_PARTS, document_parts=forms.DOCUMENT_PARTS, problems=problems)


@staff(pages, "/records/<record_id>/edit")
def record_edit(request: Request, user, record_id: str):
    record, missing = _record_or_404(request, record_id)
    if missing:
        return missing
    state = versions.status(record.id, to_raw(record))
    return _edit_form(request, record, dict(state.draft.content) if state.draft else to_raw(record))


def _done(record_id: str, message: str):
    return response.redirect(f"/records/{record_id}?{urlencode({'msg': message})}", status=303)


@staff(pages, "/records/<record_id>/edit", methods=("POST",))
async def record_save(request: Request, user, record_id: str):
    record, missing = _record_or_404(request, record_id)
    if missing:
        return missing
    publisher = _publisher(request)
    state = versions.status(record.id, to_raw(record))
    form = request.get_form(keep_blank_values=True)      # an emptied field is a change too
    raw = forms.read(kind_of(record), state.draft.content if state.draft else to_raw(record), form)
    try:
        version = publisher.save(record, raw, user.username, (form.get("note") or "")[:300] or None)
    except ValidationError as error:
        return _edit_form(request, record, raw, error.problems, 400)
    if options.get("publish_mode") == "immediate":
        return await _publish(request, user, record, version.id)
    return _done(record.id, "Đã lưu bản nháp. Người duyệt công bố để công dân thấy nội dung mới.")


async def _publish(request: Request, user, record, version_id: int):
    try:
        done = await request.app.loop.run_in_executor(None, _publisher(request).publish, version_id, user.username)
    except (PublishError, ValidationError) as error:
        return _view(request, _publisher(request).record(record.id), error=str(error), status=409)
    return _done(record.id, f"Đã công bố (mục lục tìm kiếm cập nhật trong {done.seconds:.1f} giây): "
                            f"trợ lý trả lời theo nội dung mới.")


@staff(pages, "/records/<record_id>/publish", role="reviewer", methods=("POST",))
async def record_publish(request: Request, user, record_id: str):
    record, missing = _record_or_404(request, record_id)
    if missing:
        return missing
    state = versions.status(record.id, to_raw(record))
    if state.draft is None:
        return _view(request, record, error="Không có bản nháp nào chờ công bố.", status=409)
    return await _publish(request, user, record, state.draft.id)


@staff(pages, "/records/<record_id>/verify", role="reviewer", methods=("POST",))
async def record_verify(request: Request, user, record_id: str):
    record, missing = _record_or_404(request, record_id)
    if missing:
        return missing
    try:
        await request.app.loop.run_in_executor(None, _publisher(request).verify, record, user)
    except (PublishError, ValidationError) as error:
        return _view(request, record, error=str(error), status=409)
    return _done(record.id, "Đã đánh dấu đã xác minh và công bố.")


@staff(pages, "/records/<record_id>/history")
def record_history(request: Request, user, record_id: str):
    record, missing = _record_or_404(request, record_id)
    if missing:
        return missing
    chain = versions.history(record.id)
    entries = list(zip(chain, versions.diffs(chain)))
    return page(request, "history.html", record=record, entries=list(reversed(entries)))


@staff(pages, "/records/<record_id>/revert", methods=("POST",))
async def record_revert(request: Request, user, record_id: str):
    record, missing = _record_or_404(request, record_id)
    if missing:
        return missing
    version_id = request.form.get("version") or ""
    if not version_id.isdigit():
        return refused(request, 400, "Thiếu phiên bản cần khôi phục.")
    try:
        version = _publisher(request).save(record, dict(_version_of(record.id, int(version_id))), user.username,
                                           f"khôi phục phiên bản {version_id}")
    except (PublishError, ValidationError) as error:
        return _view(request, record, error=str(error), status=409)
    if options.get("publish_mode") == "immediate":
        return await _publish(request, user, record, version.id)
    return _done(record.id, f"Đã tạo bản nháp khôi phục phiên bản {version_id}; người duyệt công bố.")


def _version_of(record_id: str, version_id: int) -> dict:
    version = versions.get(version_id)
    if version is None or version.record_id != record_id:
        raise PublishError("không có phiên bản này của hồ sơ")
    return version.content


@staff(pages, "/records/<record_id>/conflict", role="reviewer", methods=("POST",))
async def record_conflict(request: Request, user, record_id: str):
    record, missing = _record_or_404(request, record_id)
    if missing:
        return missing
    keep = request.form.get("keep") == "staff"
    try:
        await request.app.loop.run_in_executor(None, _publisher(request).resolve_conflict, record, keep, user)
    except (PublishError, ValidationError) as error:
        return _view(request, record, error=str(error), status=409)
    return _done(record.id, "Đã giữ bản sửa của cán bộ trên bản nhập mới." if keep else "Đã nhận bản nhập chính thức.")


@staff(pages, "/settings", role="admin")
def settings_page(request: Request, user):
    return page(request, "settings.html", publish_mode=options.get("publish_mode"))


@staff(pages, "/settings", role="admin", methods=("POST",))
def settings_save(request: Request, user):
    mode = request.form.get("publish_mode") or ""
    try:
        options.put("publish_mode", mode)
    except ValueError as error:
        return refused(request, 400, str(error))
    audit.record(user.username, "set_option", "publish_mode", mode)
    return response.redirect("/settings", status=303)
