"""The applicant check: the last 4 digits of the phone or ID number, kept only as salted hashes.

The full numbers never reach the store: an import keeps a masked form (first digits only,
never the last four) and an HMAC of the last four digits with a per-dossier salt and the
secret DOSSIER_HASH_KEY. A check always computes and compares both hashes, for a known and
an unknown code alike, with hmac.compare_digest.
"""
from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass

CHECK_LENGTH = 4
PHONE, ID_NUMBER = "phone", "id"
_SEPARATORS = re.compile(r"[\s.()-]")
# Stand-ins used when the code is unknown or a number was not registered: same work, never a match.
DUMMY_SALT = "0" * 32
_NEVER = "!" * 64


@dataclass(frozen=True)
class CheckDigits:
    """The last four digits of the applicant's numbers, on their way into the store (never stored)."""

    phone: str | None = None
    id_number: str | None = None


def digits_of_phone(phone: str) -> str:
    """Only the digits of a Vietnamese phone number (+84 becomes 0); ValueError if it is not one."""
    digits = _SEPARATORS.sub("", phone.strip())
    if digits.startswith("+84"):
        digits = "0" + digits[3:]
    if not digits.isdigit() or not 9 <= len(digits) <= 11:
        raise ValueError("a phone number has 9 to 11 digits")
    return digits


def digits_of_id_number(number: str) -> str:
    """Only the digits of a CCCD (12 digits) or CMND (9 digits) number; ValueError otherwise."""
    digits = _SEPARATORS.sub("", number.strip())
    if not digits.isdigit() or len(digits) not in (9, 12):
        raise ValueError("an ID number (CCCD/CMND) has 12 or 9 digits")
    return digits


def masked(digits: str, shown: int = 3) -> str:
    """The first digits and a star for each other one: the last four are never shown."""
    shown = min(shown, max(0, len(digits) - CHECK_LENGTH - 2))
    return digits[:shown] + "*" * (len(digits) - shown)


def mask_name(name: str) -> str:
    """'Nguyễn Văn An' -> 'N*** V*** An': initials, and the given name in full."""
    words = name.split()
    return " ".join([w[0] + "***" for w in words[:-1]] + words[-1:])


def new_salt() -> str:
    return secrets.token_hex(16)


def digest(key: str, salt: str, kind: str, last4: str) -> str:
    return hmac.new(key.encode(), f"{salt}:{kind}:{last4}".encode(), hashlib.sha256).hexdigest()


def matches(key: str, salt: str | None, phone_hash: str | None, id_hash: str | None, given: str) -> bool:
    """Whether the given 4 digits are the end of the phone or the ID number; the same work in every case."""
    salt = salt or DUMMY_SALT
    phone_ok = hmac.compare_digest(digest(key, salt, PHONE, given), phone_hash or _NEVER)
    id_ok = hmac.compare_digest(digest(key, salt, ID_NUMBER, given), id_hash or _NEVER)
    return phone_ok | id_ok


def is_check_digits(text: str) -> bool:
    return len(text) == CHECK_LENGTH and text.isdigit() and text.isascii()
