"""Dossier codes (Circular 01/2018/TT-VPCP): `<receiving unit code>-YYMMDD-NNNN`.

e.g. `000.00.53.H26-240115-0012`: the receiving unit's code, the receiving date, a sequence number.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import re

from dossiers import InvalidDossierCode

MAX_CODE_LENGTH = 40
# The unit code: three numeric groups and a letter + two digits (H26 for Hanoi's units).
_UNIT = r"\d{3}\.\d{2}\.\d{2}\.[A-Z]\d{2}"
_CODE = re.compile(rf"^({_UNIT})-(\d{{2}})(\d{{2}})(\d{{2}})-(\d{{4}})$")
# A code inside a message: any case, spaces tolerated around the dashes, not glued to other digits.
_IN_TEXT = re.compile(rf"(?<![\w.])({_UNIT})\s*-\s*(\d{{6}})\s*-\s*(\d{{4}})(?!\d)", re.IGNORECASE)


def normalize_code(text: str) -> str:
    """The canonical form of a dossier code, or InvalidDossierCode (format, or a date that does not exist)."""
    candidate = re.sub(r"\s*-\s*", "-", text.strip()).upper()
    match = _CODE.match(candidate) if len(candidate) <= MAX_CODE_LENGTH else None
    if not match:
        raise InvalidDossierCode("not a dossier code <unit>-YYMMDD-NNNN")
    _, yy, mm, dd, _ = match.groups()
    try:
        dt.date(2000 + int(yy), int(mm), int(dd))
    except ValueError:
        raise InvalidDossierCode("the dossier code's date does not exist") from None
    return candidate


def find_code(text: str) -> str | None:
    """The first valid dossier code written in a message, normalized; None if there is none."""
    for match in _IN_TEXT.finditer(text):
        try:
            return normalize_code("-".join(match.groups()))
        except InvalidDossierCode:
            continue
    return None


def remove_codes(text: str) -> str:
    """The message without the dossier codes in it (so their digits are not taken for check digits)."""
    return _IN_TEXT.sub(" ", text)


def received_date(code: str) -> dt.date:
    """The receiving date written in a (normalized) code."""
    yymmdd = code.split("-")[1]
    return dt.date(2000 + int(yymmdd[:2]), int(yymmdd[2:4]), int(yymmdd[4:]))


def code_ref(code: str) -> str:
    """A short, non-reversible reference to a code, for logs (never log the code itself)."""
    return "dossier#" + hashlib.sha256(("dossier-log:" + code).encode()).hexdigest()[:10]


def masked_code(code: str) -> str:
    """A code as notifications and lists show it: the receiving unit and the last two digits only
    (000.00.53.H26-******-**12): the citizen recognises it; a screen passer-by cannot look it up."""
    unit, _, rest = code.partition("-")
    return f"{unit}-******-**{rest[-2:]}"
