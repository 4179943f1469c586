"""The edit form of a record: which fields staff edit, read back into the record's raw mapping
(the catalog schema then validates it: workspace.content.parse)."""
from __future__ import annotations

from typing import Any, Mapping

TEXTS = {"procedure": ("name", "field", "agency", "where_to_submit", "applicants", "conditions", "result", "notes"),
         "faq": ("answer", "source")}
LINES = {"procedure": ("aliases", "keywords", "steps", "legal_basis"), "faq": ("questions", "keywords")}
NULLABLE_LISTS = ("steps", "legal_basis")
METHOD_PARTS = ("processing_time", "fee", "description")
DOCUMENT_PARTS = ("name", "quantity", "form", "case")       # a document whose name is emptied is removed
LABELS = {
    "name": "Tên thủ tục", "field": "Lĩnh vực", "agency": "Cơ quan thực hiện", "where_to_submit": "Nơi nộp",
    "applicants": "Đối tượng thực hiện", "conditions": "Điều kiện", "result": "Kết quả", "notes": "Ghi chú",
    "aliases": "Tên gọi khác (mỗi dòng một tên)", "keywords": "Từ khóa (mỗi dòng một từ)",
    "steps": "Các bước (mỗi dòng một bước)", "legal_basis": "Căn cứ pháp lý (mỗi dòng một văn bản)",
    "questions": "Các cách hỏi (mỗi dòng một câu)", "answer": "Trả lời", "source": "Nguồn",
    "processing_time": "Thời gian giải quyết", "fee": "Phí, lệ phí", "description": "Mô tả",
    "methods": "Cách thức thực hiện", "documents": "Thành phần hồ sơ", "quantity": "Số lượng",
    "form": "Mẫu đơn, tờ khai", "case": "Trường hợp", "levels": "Cấp thực hiện",
    "decision": "Quyết định công bố", "national_code": "Mã quốc gia", "portal_url": "Trang nguồn",
}
CHANNEL_NAMES = {"direct": "Trực tiếp", "online": "Trực tuyến", "post": "Dịch vụ bưu chính"}


def _text(value: str | None) -> str | None:
    value = (value or "").replace("\r\n", "\n").strip()
    return value or None


def _lines(value: str | None) -> list[str]:
    return [line.strip() for line in (value or "").splitlines() if line.strip()]


def read(kind: str, current: Mapping[str, Any], form: Mapping[str, str]) -> dict[str, Any]:
    """The record's raw mapping with the form's values in place of the edited fields."""
    raw = dict(current)
    for name in TEXTS[kind]:
        if name in form:
            raw[name] = _text(form.get(name))
    for name in LINES[kind]:
        if name in form:
            lines = _lines(form.get(name))
            raw[name] = (lines or None) if name in NULLABLE_LISTS else lines
    if kind == "procedure" and raw.get("methods"):
        raw["methods"] = [{**method, **{part: _text(form.get(f"method-{i}-{part}")) for part in METHOD_PARTS
                                        if f"method-{i}-{part}" in form}}
                          for i, method in enumerate(raw["methods"])]
    if kind == "procedure" and raw.get("documents"):
        edited = [{**document, **{part: _text(form.get(f"document-{i}-{part}")) for part in DOCUMENT_PARTS
                                  if f"document-{i}-{part}" in form}} for i, document in enumerate(raw["documents"])]
        raw["documents"] = [{k: v for k, v in d.items() if v is not None} for d in edited if d.get("name")] or None
    return raw
