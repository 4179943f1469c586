"""Checking that a webhook call comes from the platform: shared secrets and signatures."""
from __future__ import annotations

import hashlib
import hmac


def secret_matches(given: str | None, expected: str) -> bool:
    """Constant-time comparison; an unset expected secret never matches."""
    return bool(expected) and given is not None and hmac.compare_digest(given.encode(), expected.encode())


def zalo_mac(app_id: str, raw_body: bytes, timestamp: str, oa_secret_key: str) -> str:
    """Zalo's event signature: SHA-256 (plain, not HMAC) of app id + raw body + timestamp + OA secret key."""
    data = app_id.encode() + raw_body + timestamp.encode() + oa_secret_key.encode()
    return hashlib.sha256(data).hexdigest()


def zalo_signature_ok(header: str | None, app_id: str, raw_body: bytes, timestamp: str, oa_secret_key: str) -> bool:
    """`header` is the X-ZEvent-Signature value, "mac=<hex>"."""
    if not header or not oa_secret_key:
        return False
    given = header.strip()
    given = given[4:] if given.lower().startswith("mac=") else given
    return secret_matches(given.lower(), zalo_mac(app_id, raw_body, timestamp, oa_secret_key))
