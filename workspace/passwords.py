"""Password hashing with bcrypt (cost 12). bcrypt reads at most 72 bytes, so the password's SHA-256
(base64, 44 bytes) is what it hashes: a long passphrase counts whole."""
from __future__ import annotations

import base64
import hashlib

import bcrypt

ROUNDS = 12
MIN_LENGTH = 10


def _prepared(password: str) -> bytes:
    return base64.b64encode(hashlib.sha256(password.encode("utf-8")).digest())


def hash_password(password: str) -> str:
    if len(password) < MIN_LENGTH:
        raise ValueError(f"mật khẩu cần ít nhất {MIN_LENGTH} ký tự")
    return bcrypt.hashpw(_prepared(password), bcrypt.gensalt(ROUNDS)).decode("ascii")


def check_password(password: str, hashed: str) -> bool:
    try:
        return bcrypt.checkpw(_prepared(password), hashed.encode("ascii"))
    except ValueError:          # not a bcrypt hash
        return False


# Checked when the account does not exist, so that a wrong name takes as long as a wrong password.
DUMMY_HASH = bcrypt.hashpw(b"-", bcrypt.gensalt(ROUNDS)).decode("ascii")
