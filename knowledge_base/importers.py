"""Reading and writing procedure records in the formats staff exchange.

- JSON: one record or a list, in the national portal's detail layout. Field names may be
  ours (`name`, `methods`, …) or the portal's Vietnamese labels (`Tên thủ tục`, `Cách thức
  thực hiện`, …); values such as "Cấp xã" or "Trực tuyến" are mapped to the schema's codes.
- CSV / XLSX (for Excel): one row per procedure, a header row of our field names or the
  Vietnamese labels. A list field holds one item per line of its cell; a method line is
  "channel | processing time | fee", a document line "name | quantity | form".
See docs/catalog-import.md for the full layout and an example.
"""
from __future__ import annotations

import csv
import datetime as dt
import io
import json
from pathlib import Path
from typing import Any, Iterable

from knowledge_base import KnowledgeBaseError
from knowledge_base.schema import Procedure, ValidationError, parse_procedure, procedure_to_raw
from knowledge_base.text import fold

LABELS = {  # the portal's Vietnamese labels (folded) -> our field names
    "ma": "id", "ma thu tuc": "national_code", "ma tthc": "national_code", "ten thu tuc": "name",
    "linh vuc": "field", "cap thuc hien": "levels", "co quan thuc hien": "agency",
    "noi tiep nhan": "where_to_submit", "dia chi tiep nhan ho so": "where_to_submit",
    "doi tuong thuc hien": "applicants", "trinh tu thuc hien": "steps", "cach thuc thuc hien": "methods",
    "thanh phan ho so": "documents", "ket qua thuc hien": "result", "can cu phap ly": "legal_basis",
    "yeu cau, dieu kien thuc hien": "conditions", "yeu cau dieu kien": "conditions",
    "muc do dich vu cong": "online_level", "duong dan": "portal_url", "thu tuc lien quan": "related",
    "ten goi khac": "aliases", "tu khoa": "keywords", "nguon": "source", "ngay kiem tra": "last_checked",
    "da xac minh": "verified", "nguon goc": "provenance", "ghi chu": "notes",
    "hinh thuc nop": "channel", "thoi han giai quyet": "processing_time", "phi, le phi": "fee", "le phi": "fee",
    "ten giay to": "name", "so luong": "quantity", "mau don, to khai": "form", "mau don": "form",
}
VALUES = {  # folded Vietnamese values -> schema codes, per field
    "levels": {"cap xa": "commune", "cap tinh": "province", "xa": "commune", "tinh": "province"},
    "channel": {"truc tiep": "direct", "truc tuyen": "online", "buu chinh": "post",
                "dich vu buu chinh": "post", "buu chinh cong ich": "post"},
    "online_level": {"toan trinh": "full", "mot phan": "partial", "khong": "none"},
    "verified": {"co": True, "true": True, "x": True, "khong": False, "false": False, "": False},
}
LIST_FIELDS = ("levels", "steps", "legal_basis", "related", "aliases", "keywords")
COLUMNS = ("id", "national_code", "name", "field", "levels", "agency", "where_to_submit", "applicants", "steps",
           "methods", "documents", "result", "legal_basis", "conditions", "online_level", "portal_url", "related",
           "aliases", "keywords", "source", "last_checked", "provenance", "notes")
PART_KEYS = {"methods": ("channel", "processing_time", "fee"), "documents": ("name", "quantity", "form")}


class CatalogImportError(KnowledgeBaseError):
    pass


def _key(label: str) -> str:
    folded = " ".join(fold(str(label)).replace("_", " ").split())
    return LABELS.get(folded, str(label).strip())


def _value(field: str, value: Any) -> Any:
    table = VALUES.get(field)
    if table is None or not isinstance(value, (str, bool)):
        return value
    if isinstance(value, bool):
        return value
    folded = fold(value).strip()
    if field == "levels" and "huyen" in folded:
        raise CatalogImportError("'cấp huyện' no longer exists since 1 July 2025: use 'Cấp xã' or 'Cấp tỉnh'")
    return table.get(folded, value)


def _lines(value: Any) -> list[str]:
    if isinstance(value, list):
        return [str(v).strip() for v in value if str(v).strip()]
    return [line.strip(" -•\t") for line in str(value).splitlines() if line.strip(" -•\t")]


def _parts(field: str, value: Any) -> list[dict[str, Any]]:
    keys = PART_KEYS[field]
    items = []
    for item in value if isinstance(value, list) else _lines(value):
        if isinstance(item, dict):
            items.append({_key(k): _value(_key(k), v) for k, v in item.items()})
        else:
            cells = [c.strip() or None for c in str(item).split("|")]
            part = dict(zip(keys, cells + [None] * (len(keys) - len(cells))))
            items.append({k: _value(k, v) for k, v in part.items()})
    return items


def normalise(raw: dict[str, Any], source: str) -> dict[str, Any]:
    """A portal-style or spreadsheet row as a mapping in the catalog's own field names."""
    record: dict[str, Any] = {}
    for label, value in raw.items():
        if value is None or (isinstance(value, str) and not value.strip()):
            continue
        field = _key(label)
        if field in PART_KEYS:
            record[field] = _parts(field, value)
        elif field in LIST_FIELDS:
            record[field] = [_value(field, v) for v in _lines(value)]
        else:
            record[field] = _value(field, value.strip() if isinstance(value, str) else value)
    if "last_checked" in record and isinstance(record["last_checked"], dt.datetime):
        record["last_checked"] = record["last_checked"].date()
    if "id" not in record and record.get("national_code"):
        record["id"] = "tt-" + str(record["national_code"]).replace(".", "-")
    record.setdefault("source", f"Nhập từ tệp {source}; cần đối chiếu với Cổng Dịch vụ công")
    record.setdefault("last_checked", dt.date.today().isoformat())
    if "provenance" not in record:
        record.setdefault("verified", False)   # a spreadsheet's yes/no column, else drafted
    return record


def _rows(path: Path) -> list[dict[str, Any]]:
    suffix = path.suffix.lower()
    if suffix == ".json":
        data = json.loads(path.read_text(encoding="utf-8"))
        return data if isinstance(data, list) else [data]
    if suffix == ".csv":
        return list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8-sig"))))
    if suffix == ".xlsx":
        from openpyxl import load_workbook

        sheet = load_workbook(path, read_only=True, data_only=True).active
        rows = sheet.iter_rows(values_only=True)
        header = [str(h or "").strip() for h in next(rows, ())]
        return [dict(zip(header, row)) for row in rows if any(c not in (None, "") for c in row)]
    raise CatalogImportError(f"{path}: unsupported file type '{suffix}' (use .json, .csv or .xlsx)")


def read_records(path: Path) -> list[Procedure]:
    """Every record of a file, all validated; nothing is returned unless all are valid."""
    try:
        rows = _rows(path)
    except (OSError, ValueError, KeyError) as error:
        raise CatalogImportError(f"{path}: cannot read: {error}") from error
    records, problems = [], []
    for number, row in enumerate(rows, 1):
        where = f"{path.name} record {number}"
        try:
            if not isinstance(row, dict):
                raise ValidationError(where, [("", "a record must be an object")])
            records.append(parse_procedure(normalise(row, path.name), where))
        except (ValidationError, CatalogImportError) as error:
            problems.append(str(error))
    if problems:
        raise CatalogImportError("nothing imported:\n" + "\n".join(problems))
    return records


def _cell(field: str, value: Any) -> str:
    if value is None:
        return ""
    if field in PART_KEYS:
        return "\n".join(" | ".join(part.get(k) or "" for k in PART_KEYS[field]) for part in value)
    if isinstance(value, list):
        return "\n".join(value)
    return str(value).lower() if isinstance(value, bool) else str(value)


def write_procedures(path: Path, procedures: Iterable[Procedure]) -> None:
    raws = [procedure_to_raw(p) for p in procedures]
    suffix = path.suffix.lower()
    if suffix == ".json":
        path.write_text(json.dumps(raws, ensure_ascii=False, indent=1), encoding="utf-8")
    elif suffix == ".csv":
        with path.open("w", encoding="utf-8-sig", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(COLUMNS)
            writer.writerows([_cell(c, raw[c]) for c in COLUMNS] for raw in raws)
    elif suffix == ".xlsx":
        from openpyxl import Workbook

        book = Workbook()
        sheet = book.active
        sheet.title = "procedures"
        sheet.append(COLUMNS)
        for raw in raws:
            sheet.append([_cell(c, raw[c]) for c in COLUMNS])
        book.save(path)
    else:
        raise CatalogImportError(f"{path}: unsupported file type '{suffix}' (use .json, .csv or .xlsx)")
