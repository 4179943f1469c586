"""Parse the national public-service portal's procedure records (dichvucong.gov.vn detail pages).

Each record is a flat JSON object of strings (see /work/shared/data/portal-records/README.md). The portal's
tables (methods, documents, legal basis, results) were flattened with their cell texts run together, so
this module recovers rows from the cells' own shapes: a channel name glued to a processing time, a quantity
such as "1 bản chính,0 bản sao" closing a document row, a legal number closing a legal-basis row, a
"Mã: KQ…" code closing a result. Whatever cannot be recovered with confidence is flagged (`Flag`), never
guessed; the raw string of every parsed field is kept in `PortalRecord.source_texts`.
"""
from __future__ import annotations

import json
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Mapping

from knowledge_base import KnowledgeBaseError

CHANNELS = {"Trực tiếp": "direct", "Trực tuyến": "online", "Dịch vụ bưu chính": "post"}
LEVELS = {"Cấp bộ": "ministry", "Cấp tỉnh": "province", "Cấp xã": "commune", "Cơ quan khác": "other"}


@dataclass(frozen=True)
class Flag:
    field: str   # e.g. "methods[online].processing_time", "methods[direct].fee", "documents", "legal_basis"
    reason: str  # short English code, e.g. "bare_number_time", "fee_set_by_council", "unparsed"
    detail: str  # short Vietnamese explanation for staff, quoting the source


@dataclass(frozen=True)
class PortalMethod:
    channel: str                 # direct | online | post
    processing_time: str | None  # "7 Ngày làm việc"; a bare number stays "7" (flagged)
    fee: str | None              # "10.000 đồng", "10 USD", "Miễn phí"; None when the record gives none
    description: str | None      # the fee note in parentheses (without them), then the row's description


@dataclass(frozen=True)
class PortalDocument:
    name: str
    form: str | None      # the form/template cell (file names, "; "-separated when several)
    originals: int | None
    copies: int | None
    case: str | None      # case title, when the record has several cases
    section: str | None   # "Giấy tờ phải nộp", "Giấy tờ phải xuất trình", "Lưu ý" when the record says so


@dataclass(frozen=True)
class LegalReference:
    number: str | None  # "85/2019/TT-BTC", "68/2020/QH14"
    title: str


@dataclass(frozen=True)
class PortalRecord:
    code: str
    name: str
    decision: str | None
    levels: tuple[str, ...]
    level_text: str
    kind: str | None
    field: str
    applicants: str | None
    agency: str | None
    competent_agency: str | None
    authorised_agency: str | None
    coordinating_agency: str | None
    address: str | None
    steps: tuple[str, ...]
    methods: tuple[PortalMethod, ...]
    documents: tuple[PortalDocument, ...]
    conditions: str | None
    legal_basis: tuple[LegalReference, ...]
    results: tuple[str, ...]
    related: tuple[str, ...]
    detail_url: str
    source_texts: dict[str, str]
    flags: tuple[Flag, ...]


class PortalFormatError(KnowledgeBaseError, ValueError):
    """A record that is not a mapping of strings, or lacks its code or name (or a duplicate code)."""


# --------------------------------------------------------------------------------------------------------
# text helpers

_NO_INFO = "Không có thông tin"
_INVISIBLE = re.compile("[\u00ad\u200b-\u200f\u202a-\u202e\u2060\ufeff]")
_UPPER = "".join(c for lo, hi in ((0x41, 0x250), (0x1E00, 0x1F00)) for c in map(chr, range(lo, hi)) if c.isupper())
_UP = f"[{re.escape(_UPPER)}]"


def _tidy(text: str) -> str:
    """NFC, invisible marks removed, whitespace runs collapsed to one space, trimmed."""
    return " ".join(_INVISIBLE.sub("", unicodedata.normalize("NFC", text)).split())


def _value(text: str) -> str | None:
    text = _tidy(text)
    return None if text in ("", _NO_INFO) else text


def _quote(text: str, limit: int = 160) -> str:
    text = _tidy(text)
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


# --------------------------------------------------------------------------------------------------------
# methods: "Hình thức nộpThời gianPhí, lệ phíMô tả" + rows "<channel><time><fee>(<fee note>)<description>"

_METHODS_HEADER = "Hình thức nộpThời gianPhí, lệ phíMô tả"
_CHANNEL_START = re.compile("(Trực tiếp|Trực tuyến|Dịch vụ bưu chính)(?=[0-9]|" + _UP + ")")
_UNITS = "Ngày làm việc|Ngày|Giờ làm việc|Giờ|Tháng|Năm|Tuần|Phút"
_TIME_UNIT = re.compile(rf"(\d+(?:[.,]\d+)?)\s*({_UNITS})")
_CURRENCY = r"Việt Nam Đồng|VNĐ|VND|USD|Đồng"
_AMOUNT = re.compile(rf"(\d{{1,3}}(?:,\d{{3}})+|\d+)\s*({_CURRENCY})")  # may be glued: "…Việt Nam Đồngkể từ…"
_GROUPED = re.compile(r"[1-9]\d{0,2}(?:,\d{3})*")
# amounts stated in a description: "25.000 đồng", "20.000Đ/tờ", "145 USD/thẻ", "400000 Đồng"
_TEXT_AMOUNT = re.compile(r"(?<![\d.,/])(\d{1,3}(?:[.,]\d{3})+|\d+)\s*(đồng|Đồng|VNĐ|vnđ|VND|đ|Đ|USD)(?![a-zà-ỹA-Z])")
_COUNCIL = re.compile(r"(Hội đồng nhân dân|HĐND)[^.;]{0,120}?(quy định|quyết định)"
                      r"|(quy định|quyết định)[^.;]{0,40}?(Hội đồng nhân dân|HĐND)", re.I)


def _money(number: str, currency: str) -> str:
    """'10,000' + 'Việt Nam Đồng' -> '10.000 đồng' (only the separator and the currency word change)."""
    unit = "USD" if currency == "USD" else "đồng"  # Việt Nam Đồng, VNĐ, VND, Đồng, or our own "VND"
    return f"{number.replace(',', '.')} {unit}"


def _text_amounts(text: str) -> set[tuple[int, str]]:
    """The (value, VND|USD) amounts a description states."""
    return {(int(re.sub(r"[.,]", "", number)), "USD" if unit == "USD" else "VND")
            for number, unit in _TEXT_AMOUNT.findall(text)}


def _balanced(text: str) -> tuple[str, str] | None:
    """'(a (b))rest' -> ('a (b)', 'rest'); None when the parentheses never close."""
    depth = 0
    for i, ch in enumerate(text):
        depth += ch == "("
        depth -= ch == ")"
        if depth == 0:
            return text[1:i], text[i + 1:]
    return None


def _split_bare(body: str) -> tuple[list[tuple[str, str, str]], str] | None:
    """A bare-number time glued to an amount ("1200 VNĐ"): every (time, amount, currency) split whose
    amount is well formed (the portal groups thousands with commas), and the text after the amount."""
    m = re.match(rf"(\d[\d,]*)\s*({_CURRENCY})", body)
    if not m:
        return None
    digits, options = m.group(1), []
    for i in range(1, len(digits)):
        time, amount = digits[:i], digits[i:]
        if time.isdigit() and _GROUPED.fullmatch(amount):
            options.append((time, amount, m.group(2)))
    return options, body[m.end():]


def _fee_flags(where: str, fee: str | None, fee_cell: str, context: str, row_text: str) -> list[Flag]:
    """Flags on one method's fee, judged against its own description (never changing the value)."""
    flags = []
    council = _COUNCIL.search(context)
    if council:
        start = max(0, council.start() - 40)
        flags.append(Flag(where, "fee_set_by_council",
                          f'Mức phí do HĐND cấp tỉnh quy định, bản ghi quốc gia không có mức của Hà Nội: '
                          f'"…{_quote(context[start: council.end() + 20], 140)}…"'))
    stated = _text_amounts(context)
    shown = ", ".join(_money(f"{v:,}", c) for v, c in sorted(stated))
    if fee not in (None, "Miễn phí"):
        value, unit = int(fee.split()[0].replace(".", "")), fee.split()[-1]
        currency = "USD" if unit == "USD" else "VND"
        if stated and (value, currency) not in stated:
            flags.append(Flag(where, "fee_contradicts_description",
                              f'Phí ghi "{fee_cell}" nhưng mô tả nêu {shown}: "{_quote(context, 120)}"'))
        elif currency == "VND" and value < 1000:  # no fee is that small: the thousands were probably lost
            flags.append(Flag(where, "implausible_amount",
                              f'Mức phí "{fee_cell}" nhỏ bất thường (dưới 1.000 đồng): "{_quote(row_text, 100)}"'))
    elif fee is None and stated and fee_cell != "?":
        cell = "trống" if fee_cell in ("", _NO_INFO) else f'chỉ ghi "{fee_cell}"'
        flags.append(Flag(where, "fee_only_in_description",
                          f'Ô phí {cell}; mức phí chỉ có trong mô tả ({shown}): "{_quote(context, 120)}"'))
    elif fee == "Miễn phí" and stated:
        flags.append(Flag(where, "free_but_description_amount",
                          f'Phí ghi "Miễn phí" nhưng mô tả nêu {shown}: "{_quote(context, 120)}"'))
    return flags


def _parse_method_row(channel: str, body: str, flags: list[Flag]) -> PortalMethod:
    code = CHANNELS[channel]
    where = f"methods[{code}]"
    row_text = channel + body
    time: str | None = None
    fee: str | None = None
    fee_cell = ""
    rest = body
    bare = False

    m = _TIME_UNIT.match(rest)
    if m:
        time, rest = f"{m.group(1)} {m.group(2)}", rest[m.end():]
    elif rest.startswith(_NO_INFO):
        rest = rest[len(_NO_INFO):]
    elif rest[:1].isdigit():
        bare = True
        split = _split_bare(rest)
        if split is not None:
            options, after = split
            if len(options) == 1:
                time, amount, currency = options[0]
                fee, fee_cell, rest = _money(amount, currency), amount + " " + currency, after
            else:
                flags.append(Flag(f"{where}.processing_time", "ambiguous_time_fee",
                                  f'Thời hạn và mức phí dính liền, không tách được chắc chắn: '
                                  f'"{_quote(row_text, 80)}"'))
                fee_cell, rest = "?", after
        else:
            m = re.match(r"\d+", rest)
            time, rest = m.group(), rest[m.end():]
    else:  # a time written as text, up to the fee cell
        m = re.search(rf"Miễn phí|{_NO_INFO}|(\d{{1,3}}(?:,\d{{3}})+|\d+)\s*({_CURRENCY})", rest)
        if m and m.start() > 0:
            time, rest = _tidy(rest[: m.start()]), rest[m.start():]
        else:
            flags.append(Flag(f"{where}.processing_time", "unparsed",
                              f'Không nhận ra thời hạn giải quyết: "{_quote(row_text)}"'))
    if bare and time is not None:
        flags.append(Flag(f"{where}.processing_time", "bare_number_time",
                          f'Thời hạn chỉ ghi số "{time}", không có đơn vị (ngày/giờ): "{_quote(row_text, 80)}"'))

    if not fee_cell:
        rest = rest.lstrip()
        m = _AMOUNT.match(rest)
        if m:
            fee, fee_cell, rest = _money(m.group(1), m.group(2)), m.group(), rest[m.end():]
        elif rest.startswith("Miễn phí"):
            fee, fee_cell, rest = "Miễn phí", "Miễn phí", rest[len("Miễn phí"):]
        elif rest.startswith(_NO_INFO):
            fee_cell, rest = _NO_INFO, rest[len(_NO_INFO):]
        elif re.match(r"Đồng(?![a-zà-ỹ])", rest):
            fee_cell, rest = "Đồng", rest[len("Đồng"):]

    # description: "(fee note)" then the row's own description text
    note, text = None, rest
    if rest.startswith("("):
        parts = _balanced(rest)
        note, text = parts if parts else (rest[1:], "")
    description = " ".join(p for p in (_tidy(note or ""), _tidy(text)) if p) or None
    flags.extend(_fee_flags(f"{where}.fee", fee, fee_cell, description or "", row_text))
    return PortalMethod(code, time, fee, description)


def _parse_methods(text: str, flags: list[Flag]) -> tuple[PortalMethod, ...]:
    body = unicodedata.normalize("NFC", text).strip()
    if body.startswith(_METHODS_HEADER):
        body = body[len(_METHODS_HEADER):]
    starts = list(_CHANNEL_START.finditer(body))
    if not starts or _tidy(body[: starts[0].start()]):
        flags.append(Flag("methods", "unparsed", f'Không tách được cách thức thực hiện: "{_quote(body)}"'))
        if not starts:
            return ()
    methods = []
    for i, m in enumerate(starts):
        end = starts[i + 1].start() if i + 1 < len(starts) else len(body)
        methods.append(_parse_method_row(m.group(1), body[m.end(): end], flags))
    return tuple(methods)


# --------------------------------------------------------------------------------------------------------
# documents: [case title] "Tên giấy tờMẫu đơn, tờ khaiSố lượng" rows "<name><form file(s)><N bản chính[,N bản sao]>"

_DOCS_HEADER = "Tên giấy tờMẫu đơn, tờ khaiSố lượng"
_QUANTITY = re.compile(r"(\d) bản chính(?:,(\d) bản sao)?")
_SECTION = re.compile(r"(?:các\s+)?giấy tờ (?:phải\s+)?(?:nộp|xuất trình)\b|lưu ý\b", re.I)
_FILE_END = re.compile(r"\.(?:docx|doc|pdf|xlsx|xls|rar|zip)", re.I)
# how a form's file name usually begins: "Mẫu số 01.docx", "Mau 35 - Phu luc…", "1.MuCT01…", "Phụ lục IV.docx"
_FORM_START = re.compile(r"(?:\d+[.\-_ ]*)?(?:Mẫu|MẪU|Mau|MAU|mẫu|mau|Mus|Mu\d|MuC|Phụ [Ll]ục|PHỤ LỤC|Phu luc|PL|Phlc|"
                         r"Tờ khai|TK|Đơn|Don|DON|Biểu mẫu|BM|M\d|TP-)")


def _glue_points(text: str) -> list[int]:
    """Positions where two cells were joined without a space: 'NĐ-CP.Mau04', 'theo mẫuMau…', 'TT-BXDMẫu số'."""
    points = []
    for i in range(1, len(text)):
        a, b = text[i - 1], text[i]
        nxt = text[i + 1] if i + 1 < len(text) else ""
        if a.isspace() or b.isspace():
            continue
        if (a in ".;)" and (b.isalpha() or b.isdigit())) \
                or (a.islower() and b.isupper()) \
                or ((a.isupper() or a.isdigit()) and b.isupper() and nxt.islower()):
            points.append(i)
    return points


def _split_form(cell: str) -> tuple[str, str | None, bool]:
    """'<name><file>.docx<file>.docx' -> (name, 'file.docx; file.docx', certain)."""
    found = list(_FILE_END.finditer(cell))
    if not found or found[-1].end() != len(cell.rstrip()):
        return cell, None, True
    ends = [m.end() for m in found]
    head = cell[: found[0].start()]  # up to the first file's extension
    # the file name starts at a glue point, preferably in the name's last sentence ("; ", ". " rarely occur in
    # file names)
    tail_start = max(head.rfind(". "), head.rfind("; "), head.rfind(": "))
    tail_start = 0 if tail_start < 0 else tail_start + 2
    points = _glue_points(head)
    formish = [p for p in points if _FORM_START.match(head, p)]
    ranked = ([p for p in formish if p >= tail_start] or formish
              or [p for p in points if p >= tail_start] or points)
    if not ranked:
        return cell, None, False
    start = ranked[0]
    files, prev = [], start
    for end in ends:
        files.append(_tidy(cell[prev:end]))
        prev = end
    return cell[:start], "; ".join(f for f in files if f), True


def _title(text: str) -> str | None:
    text = _tidy(text).strip("-* ").rstrip(":").strip()
    return text or None


def _parse_documents(text: str, flags: list[Flag]) -> tuple[PortalDocument, ...]:
    raw = unicodedata.normalize("NFC", text)
    blocks = raw.split(_DOCS_HEADER)
    if len(blocks) == 1:
        if _title(raw):
            flags.append(Flag("documents", "unparsed", f'Không có bảng thành phần hồ sơ: "{_quote(raw)}"'))
        return ()
    titles = [blocks[0]]
    rows_per_block: list[list[tuple[str, int | None, int | None]]] = []
    for i, block in enumerate(blocks[1:], start=1):
        rows, pos = [], 0
        for m in _QUANTITY.finditer(block):
            nxt = block[m.end(): m.end() + 1]
            if nxt and (nxt.isspace() or nxt in "),;.:"):  # prose such as "nộp 02 bản chính tờ khai"
                continue
            rows.append((block[pos: m.start()], int(m.group(1)), int(m.group(2)) if m.group(2) else None))
            pos = m.end()
        tail = block[pos:]
        if i < len(blocks) - 1:
            titles.append(tail)  # the text after the last row is the next block's case title
        elif _title(tail):
            rows.append((tail, None, None))
        rows_per_block.append(rows)

    kinds = []  # (section, case) per block
    for title in titles:
        t = _title(title)
        if t and _SECTION.match(t):
            kinds.append((t, None))
        else:
            kinds.append((None, t))
    several = len({case for section, case in kinds if section is None}) > 1

    docs = []
    for (section, case), rows in zip(kinds, rows_per_block):
        for cell, originals, copies in rows:
            name, form, certain = _split_form(cell)
            name = _tidy(name)
            if not certain:
                flags.append(Flag("documents", "form_not_separated",
                                  f'Không tách được tên giấy tờ và tên mẫu đơn: "{_quote(cell)}"'))
            if not name and not form:
                continue
            if not name:
                flags.append(Flag("documents", "unparsed", f'Dòng giấy tờ không có tên: "{_quote(cell)}"'))
            docs.append(PortalDocument(name, form, originals, copies, case if several else None, section))
    return tuple(docs)


# --------------------------------------------------------------------------------------------------------
# legal basis: "Tên văn bản pháp lýMã văn bản" + rows "<title><number>"

_LEGAL_HEADER = "Tên văn bản pháp lýMã văn bản"
# a legal number and the run of code letters after it, which may have swallowed the next title's first letters
_LEGAL_CANDIDATE = re.compile(r"(\d+(?:\.\d+)?)(/\d{4})?/([A-ZĐ](?:TTg|[A-ZĐ0-9-])*)")
_ONSET = re.compile(r"(?:Ngh|Ng|Nh|Th|Tr|Ph|Kh|Ch|Gh|Gi|Qu|[BCDĐGHKLMNRSTVX])[aăâeêioôơuưy]", re.I)
_CAPS_ONSET = re.compile(r"(?:NGH|NG|NH|TH|TR|PH|KH|CH|GH|GI|QU|[BCDĐGHKLMNPRSTVX])?[AEIOUY]*$")
_GLUED_DOC_TYPE = re.compile(r"(?<=[^\s(])(?:Bộ luật|Luật|Nghị định|Nghị quyết|Thông tư liên tịch|Thông tư|Quyết định|"
                             r"Pháp lệnh|Số)(?: số)?\s*$")
_DOC_KIND = re.compile(r"(?:Bộ luật|Luật|Nghị định|Nghị quyết|Thông tư|Quyết định|Pháp lệnh|Văn bản hợp nhất)\b")
_INSIDE_TITLE = {"ngày", "năm", "của", "và", "về", "được", "do", "tại"}


def _base(text: str) -> str:
    """Lower-case letters without diacritics (đ kept), to test syllable shapes."""
    return "".join(c for c in unicodedata.normalize("NFD", text.lower()) if not unicodedata.combining(c))


def _code_end(body: str, m: re.Match, row_start: int) -> tuple[int | None, bool, int]:
    """For a number candidate: where its code ends if the number closes a row (None: the number is inside a
    title), whether that end is uncertain, and where to scan next."""
    run, end = m.group(3), m.end()
    nxt = body[end: end + 1]
    if not nxt:
        return end, False, end
    if nxt == "/":  # the run swallowed the next number's first digits: "QH15193/2025/NĐ-CP"
        digits = re.search(r"\d+$", run)
        if not digits:
            return None, False, end
        splits = []  # (code end, this number, the next number's "head/year/" prefix)
        for k in range(len(digits.group())):
            code_end = m.start(3) + digits.start() + k
            following = _LEGAL_CANDIDATE.match(body, code_end)
            if following and run[: digits.start() + k][-1:].isalnum():
                prefix = following.group(1) + (following.group(2) or "") + "/"
                splits.append((code_end, body[m.start(): code_end], prefix))
        if not splits:
            return None, False, end
        for code_end, number, _ in splits:  # "Thông tư 80/2021/TT-BTC80/2021/TT-BTC": the title repeats the number
            if body.startswith(number, code_end):
                return None, False, code_end
        for code_end, _, prefix in splits:  # the next number is also cited elsewhere
            if len(re.findall(rf"(?<![\d.]){re.escape(prefix)}", body)) > 1:
                return code_end, False, code_end
        if run[: digits.start()].endswith("QH") and len(digits.group()) > 2:
            code_end = m.start(3) + digits.start() + 2  # the National Assembly's term: QH13, QH14, QH15
            return code_end, False, code_end
        code_end = m.start(3) + digits.start()
        return code_end, True, code_end
    if nxt.islower():
        word = re.match(r"\w+", body[end:]).group()
        last = run[-1]
        if last.isupper() and len(run) > 1 and _ONSET.match(_base(last + word)):
            return end - 1, False, end - 1  # "TT-BCAThông": the next title starts with the run's last letter
        return (None, False, end) if word in _INSIDE_TITLE else (end, False, end)
    if nxt.isspace():
        after = body[end:].lstrip()
        # "…kinh doanh66.16/2026/NQ-CP Thông tư số 03/2024/…": a space, then a new title naming its kind; or a
        # number the row's title already cited ("Thông tư số 08/2025/TT-BTP ngày … Bộ Tư pháp08/2025/TT-BTP Nghị …")
        if _DOC_KIND.match(after) or (after[:1].isupper() and m.group() in body[row_start: m.start()]):
            return end, False, end
        # "…BLĐTBXH01/2016/TT-BLĐTBXHBAN HÀNH": an all-caps title glued to a number cited before
        prefix = body[m.start(): m.start(3)]
        for j in range(len(run) - 2, 1, -1):
            if run[j].isalpha() and run[j:].isalpha() and re.search(
                    rf"(?<![\d.]){re.escape(prefix + run[:j])}(?![A-ZĐ])", body):
                return m.start(3) + j, False, m.start(3) + j
        return None, False, end
    if nxt.isupper() and body[end + 1: end + 2].islower():  # "TT-BTCÁp dụng…": the next title starts here
        return end, False, end
    if nxt.isupper():  # an all-caps next title: "NĐ-CPSỬA ĐỔI" -> "NĐ-CP" + "SỬA ĐỔI"
        onset = _CAPS_ONSET.search(run)
        cut = m.start(3) + (onset.start() if onset else len(run))
        if cut > m.start(3) and run[: cut - m.start(3)].rstrip("-"):
            return cut, False, cut
    return None, False, end


def _parse_legal(text: str, flags: list[Flag]) -> tuple[LegalReference, ...]:
    body = unicodedata.normalize("NFC", text)
    if body.startswith(_LEGAL_HEADER):
        body = body[len(_LEGAL_HEADER):]
    else:  # text from another part of the page (the collection's field split went wrong): keep it unparsed
        flags.append(Flag("legal_basis", "unparsed", f'Không có bảng căn cứ pháp lý: "{_quote(body)}"'))
        return ()
    rows: list[tuple[int, int, int, str | None]] = []  # (row start, number start, row end, number)
    pos = scan = 0
    while (m := _LEGAL_CANDIDATE.search(body, scan)) is not None:
        code_end, uncertain, scan = _code_end(body, m, pos)
        if code_end is None:
            continue
        start, head = m.start(), m.group(1)
        whole = head.split(".")[0]
        if "." in head and re.fullmatch(r"(?:19|20)\d\d", whole):
            start += len(whole) + 1  # "ngày 15/5/2026.55/2026/TT-BTC": a date's year, then the number
        elif len(whole) > 4 and re.match(r"(?:19|20)\d\d", whole) and len(whole) <= 8:
            start += 4  # "Luật Doanh nghiệp 202076/2025/QH15": the title's year glued to the number
        elif len(whole) > 4:
            uncertain = True
        number = body[start: code_end].rstrip("-")
        if uncertain:
            flags.append(Flag("legal_basis", "number_boundary_uncertain",
                              f'Số hiệu văn bản dính vào chữ bên cạnh, tách chưa chắc chắn: '
                              f'"{_quote(body[pos: m.end() + 20])}" → "{number}"'))
        rows.append((pos, start, code_end, number))
        pos = code_end
    if _tidy(body[pos:]):
        rows.append((pos, len(body), len(body), None))
    refs: list[LegalReference] = []
    i = 0
    while i < len(rows):
        row_start, number_start, row_end, number = rows[i]
        title = _tidy(body[row_start: number_start])
        if not title and i + 1 < len(rows) and rows[i + 1][3] == number:
            # columns swapped: "47/2019/TT-BTC" then "Thông tư 47/2019/TT-BTC" as the number cell
            title, i = _tidy(body[rows[i + 1][0]: rows[i + 1][2]]), i + 1
        # the number cell's own words glued to the title: "Luật Các tổ chức tín dụngLuật số" + "32/2024/QH15"
        title = _GLUED_DOC_TYPE.sub("", title).rstrip()
        if not title:  # the record names the document by its number only
            flags.append(Flag("legal_basis", "empty_title", f'Văn bản "{number}" không có tên trong bản ghi'))
        refs.append(LegalReference(number, title or number or ""))
        i += 1
    return tuple(refs)


# --------------------------------------------------------------------------------------------------------
# results: "<name>Mã: KQ.G01.000064<name>Mã: …" + page furniture

_FURNITURE = re.compile(r"Từ khóa(?::\s*$|(.*?)Mô tả(.*?)(?:Chọn cơ quan thực hiện.*)?$)", re.S)
_RESULT_CODE = re.compile(r"Mã:\s*([A-Za-z0-9.\-_/]+)")


def _strip_furniture(text: str, flags: list[Flag], field: str) -> str:
    """Cut the page furniture off the end of a field; its "Từ khóa"/"Mô tả" texts, when not empty, are flagged."""
    m = None
    for m in _FURNITURE.finditer(text):
        pass
    if m is None:
        return text
    for label, part in (("Từ khóa", m.group(1)), ("Mô tả", m.group(2))):
        if part is not None and _value(part):
            flags.append(Flag(field, "page_text_dropped",
                              f'Trang có ô "{label}" ngoài các trường của bản ghi, không được đưa vào: "{_quote(part)}"'))
    return text[: m.start()]


def _parse_results(text: str) -> tuple[str, ...]:
    results, pos = [], 0
    for m in _RESULT_CODE.finditer(text):
        if m.start() < pos:
            continue
        name = _tidy(text[pos: m.start()])
        if name:
            results.append(name)
        # the code ends at its last digit: "KQ.G01.000014Biển số xe" -> "KQ.G01.000014" + "Biển số xe"
        code = m.group(1)
        last_digit = max((i for i, c in enumerate(code) if c.isdigit()), default=None)
        pos = m.end() if last_digit is None else m.start(1) + last_digit + 1
    tail = _value(text[pos:])
    if tail:
        results.append(tail)
    return tuple(results)


# --------------------------------------------------------------------------------------------------------
# steps: "Bước 1: …" items, else "- " bullets, else one item per line

# a "Bước N" at a line start or after a sentence, with its bullet or numbering ("- ", "a) ", "6.1.1. ")
_STEP = re.compile(r"(?m)(?:^|(?<=[.;:!?])|(?<=[.;:!?] ))[ \t]*(?:[-+•*][ \t]*|[a-zđ]\)[ \t]*|\d+(?:\.\d+)*\.?[ \t]*)?"
                   r"Bước[ \t]*\d+(?![\d/])"
                   r"|(?<=\s)(?:[-+•*][ \t]*)?Bước[ \t]*\d+[ \t]*:")  # inline "… - Bước 2: …"
_BULLET = re.compile(r"(?m)^[ \t]*-[ \t]+")


def _parse_steps(text: str) -> tuple[str, ...]:
    text = unicodedata.normalize("NFC", text).replace("\r", "\n")
    starts = [m.start() for m in _STEP.finditer(text)]
    if starts:
        pieces = [text[a:b] for a, b in zip([0] + starts, starts + [len(text)])]
        items = [_tidy(p).lstrip("-+•* ") for p in pieces]
    elif _BULLET.search(text):
        starts = [m.start() for m in _BULLET.finditer(text)]
        pieces = [text[a:b] for a, b in zip([0] + starts, starts + [len(text)])]
        items = [re.sub(r"^-\s+", "", _tidy(p)) for p in pieces]
    else:
        items = [_tidy(line) for line in text.split("\n")]
    return tuple(i for i in items if i and i != _NO_INFO)


# --------------------------------------------------------------------------------------------------------
# the record

_FIELDS = {  # our name -> the record's key, for source_texts
    "name": "ten_thu_tuc", "decision": "so_quyet_dinh", "levels": "cap_thuc_hien", "kind": "loai_thu_tuc",
    "field": "linh_vuc", "applicants": "doi_tuong_thuc_hien", "agency": "co_quan_thuc_hien",
    "competent_agency": "co_quan_co_tham_quyen", "authorised_agency": "co_quan_duoc_uy_quyen",
    "coordinating_agency": "co_quan_phoi_hop", "address": "dia_chi_tiep_nhan", "steps": "trinh_tu_thuc_hien",
    "methods": "cach_thuc_thuc_hien", "documents": "thanh_phan_ho_so", "conditions": "yeu_cau_dieu_kien",
    "legal_basis": "can_cu_phap_ly", "results": "ket_qua_xu_ly", "related": "thu_tuc_lien_quan",
}
_NATIONAL_CODE = re.compile(r"(?<![\d.])\d\.\d{6}(?![\d.])")


def parse_record(raw: Mapping[str, str]) -> PortalRecord:
    """One portal record (the JSON object of one detail page) -> PortalRecord."""
    if not isinstance(raw, Mapping):
        raise PortalFormatError(f"a portal record must be a JSON object, not {type(raw).__name__}")
    code = raw.get("ma_thu_tuc")
    label = _tidy(code) if isinstance(code, str) and _tidy(code) else "?"
    texts: dict[str, str] = {}
    for key, value in raw.items():
        if value is None:
            value = ""
        if not isinstance(value, str):
            raise PortalFormatError(f"record {label}: field {key!r} must be a string, not {type(value).__name__}")
        texts[key] = value
    for key in ("ma_thu_tuc", "ten_thu_tuc"):
        if not _value(texts.get(key, "")):
            raise PortalFormatError(f"record {label}: missing {key!r}")

    def get(key: str) -> str:
        return texts.get(key, "")

    flags: list[Flag] = []
    # page furniture ends whichever of these two fields came last on the page
    results_text = _strip_furniture(get("ket_qua_xu_ly"), flags, "results")
    conditions_text = _strip_furniture(get("yeu_cau_dieu_kien"), flags, "conditions")

    level_text = _tidy(get("cap_thuc_hien"))
    levels = []
    for part in filter(None, (p.strip() for p in level_text.split(","))):
        if part in LEVELS:
            levels.append(LEVELS[part])
        else:
            flags.append(Flag("levels", "unparsed", f'Cấp thực hiện không nhận ra: "{part}"'))

    related_text = _value(get("thu_tuc_lien_quan"))
    related = tuple(dict.fromkeys(_NATIONAL_CODE.findall(related_text or "")))
    if related_text and not related:
        flags.append(Flag("related", "no_codes",
                          f'Thủ tục liên quan chỉ có tên, không có mã: "{_quote(related_text)}"'))

    methods = _parse_methods(get("cach_thuc_thuc_hien"), flags) if _value(get("cach_thuc_thuc_hien")) else ()
    documents_text = get("thanh_phan_ho_so")
    if _value(documents_text) and _DOCS_HEADER not in documents_text and _DOCS_HEADER in get("raw_text"):
        # the collection cut the page at a "Thành phần hồ sơ" quoted inside the steps: the documents field holds
        # the rest of the steps, and the real documents table is only in raw_text
        documents: tuple[PortalDocument, ...] = ()
        flags.append(Flag("documents", "misplaced_text",
                          f'Trường thành phần hồ sơ chứa phần cuối của trình tự thực hiện (lỗi khi thu thập), '
                          f'bảng giấy tờ chỉ có trong raw_text: "{_quote(documents_text, 100)}"'))
        flags.append(Flag("steps", "truncated",
                          f'Trình tự thực hiện bị cắt: "…{_quote(get("trinh_tu_thuc_hien")[-80:])}"'))
    else:
        documents = _parse_documents(documents_text, flags) if _value(documents_text) else ()
    legal = _parse_legal(get("can_cu_phap_ly"), flags) if _value(get("can_cu_phap_ly")) else ()

    source_texts = {ours: texts[key] for ours, key in _FIELDS.items()
                    if key in texts and _value(texts[key])}
    return PortalRecord(
        code=_tidy(texts["ma_thu_tuc"]),
        name=_tidy(texts["ten_thu_tuc"]),
        decision=_value(get("so_quyet_dinh")),
        levels=tuple(levels),
        level_text=level_text,
        kind=_value(get("loai_thu_tuc")),
        field=_tidy(get("linh_vuc")),
        applicants=_value(get("doi_tuong_thuc_hien")),
        agency=_value(get("co_quan_thuc_hien")),
        competent_agency=_value(get("co_quan_co_tham_quyen")),
        authorised_agency=_value(get("co_quan_duoc_uy_quyen")),
        coordinating_agency=_value(get("co_quan_phoi_hop")),
        address=_value(get("dia_chi_tiep_nhan")),
        steps=_parse_steps(get("trinh_tu_thuc_hien")) if _value(get("trinh_tu_thuc_hien")) else (),
        methods=methods,
        documents=documents,
        conditions=_value(conditions_text),
        legal_basis=legal,
        results=_parse_results(results_text),
        related=related,
        detail_url=_tidy(get("detail_url")),
        source_texts=source_texts,
        flags=tuple(dict.fromkeys(flags)),
    )


def _json_files(paths: Iterable[Path]) -> list[Path]:
    files = []
    for path in map(Path, paths):
        files.extend(sorted(path.rglob("*.json")) if path.is_dir() else [path])
    return files


def load_records(paths: Iterable[Path]) -> list[PortalRecord]:
    """Parse .json record files (folders are searched recursively), sorted by code; duplicates are errors."""
    seen: dict[str, Path] = {}
    records = []
    for file in _json_files(paths):
        try:
            raw = json.loads(file.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
            raise PortalFormatError(f"{file}: not a readable JSON file ({error})") from error
        try:
            record = parse_record(raw)
        except PortalFormatError as error:
            raise PortalFormatError(f"{file}: {error}") from error
        if record.code in seen:
            raise PortalFormatError(f"duplicate code {record.code}: {seen[record.code]} and {file}")
        seen[record.code] = file
        records.append(record)
    return sorted(records, key=lambda r: r.code)
