"""Staff accounts, sign-in with a limit on wrong passwords, and server-side sessions.

A session is a random token in an HttpOnly cookie; the database keeps only its SHA-256, the user,
the form (CSRF) token and the expiry. Wrong passwords are counted per account name and per client
address (both as hashes): the `login_max_failures`-th wrong one within the window is refused as
rate-limited, and so is every attempt after it until the window has passed.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from dataclasses import dataclass

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from appdb.engine import engine
from appdb.tables import LoginFailure, StaffSession, StaffUser, utc, utcnow
from workspace.passwords import DUMMY_HASH, check_password, hash_password

ROLES = ("editor", "reviewer", "admin")        # each can do what the ones before it can
ROLE_NAMES = {"editor": "Biên tập viên", "reviewer": "Người duyệt", "admin": "Quản trị viên"}
ADDRESS_FACTOR = 4                             # one address may fail this many times more (a shared office)


class AccountError(ValueError):
    pass


@dataclass(frozen=True)
class User:
    id: int
    username: str
    role: str
    csrf: str = ""

    def can(self, role: str) -> bool:
        return ROLES.index(self.role) >= ROLES.index(role)


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def normal_username(username: str) -> str:
    name = username.strip().lower()
    if not name or len(name) > 64 or not all(c.isalnum() or c in "._-" for c in name):
        raise AccountError("tên đăng nhập chỉ gồm chữ, số, dấu chấm, gạch ngang, gạch dưới (tối đa 64 ký tự)")
    return name


def create_user(username: str, password: str, role: str) -> User:
    if role not in ROLES:
        raise AccountError(f"vai trò phải là một trong: {', '.join(ROLES)}")
    name = normal_username(username)
    try:
        hashed = hash_password(password)
    except ValueError as error:
        raise AccountError(str(error)) from None
    with Session(engine()) as session, session.begin():
        if session.scalar(select(StaffUser.id).where(StaffUser.username == name)) is not None:
            raise AccountError(f"tài khoản '{name}' đã có")
        row = StaffUser(username=name, password_hash=hashed, role=role, active=True)
        session.add(row)
        session.flush()
        return User(row.id, row.username, row.role)


def users() -> list[StaffUser]:
    with Session(engine()) as session:
        return list(session.scalars(select(StaffUser).order_by(StaffUser.username)))


def update_user(user_id: int, role: str | None = None, active: bool | None = None,
                password: str | None = None) -> StaffUser:
    with Session(engine()) as session, session.begin():
        row = session.get(StaffUser, user_id)
        if row is None:
            raise AccountError("không có tài khoản này")
        if role is not None:
            if role not in ROLES:
                raise AccountError(f"vai trò phải là một trong: {', '.join(ROLES)}")
            row.role = role
        if active is not None:
            row.active = active
        if password is not None:
            try:
                row.password_hash = hash_password(password)
            except ValueError as error:
                raise AccountError(str(error)) from None
        if role is not None or active is False or password is not None:   # its sessions end
            session.execute(delete(StaffSession).where(StaffSession.user_id == user_id))
        session.expunge(row)
        return row


@dataclass(frozen=True)
class LoginResult:
    user: User | None = None
    token: str | None = None
    limited: bool = False


def log_in(username: str, password: str, client: str, max_failures: int, window_minutes: int,
           session_minutes: int) -> LoginResult:
    now = utcnow()
    since = now - dt.timedelta(minutes=window_minutes)
    subjects = {_digest("user:" + username.strip().lower()): max_failures,
                _digest("addr:" + client): max_failures * ADDRESS_FACTOR}
    with Session(engine()) as session, session.begin():
        session.execute(delete(LoginFailure).where(LoginFailure.failed_at < since))   # past the window: not kept

        def failures(subject: str) -> int:
            return session.scalar(select(func.count()).where(LoginFailure.subject == subject,
                                                             LoginFailure.failed_at >= since)) or 0

        if any(failures(s) >= limit for s, limit in subjects.items()):
            return LoginResult(limited=True)
        row = session.scalar(select(StaffUser).where(StaffUser.username == username.strip().lower(),
                                                     StaffUser.active.is_(True)))
        if not check_password(password, row.password_hash if row else DUMMY_HASH) or row is None:
            session.add_all(LoginFailure(subject=s, failed_at=now) for s in subjects)
            session.flush()
            return LoginResult(limited=any(failures(s) >= limit for s, limit in subjects.items()))
        session.execute(delete(LoginFailure).where(LoginFailure.subject == next(iter(subjects))))
        token = secrets.token_urlsafe(32)
        session.add(StaffSession(token_hash=_digest(token), user_id=row.id, csrf=secrets.token_urlsafe(32),
                                 created_at=now, expires_at=now + dt.timedelta(minutes=session_minutes)))
        session.execute(delete(StaffSession).where(StaffSession.expires_at < now))    # old ones go
        return LoginResult(User(row.id, row.username, row.role), token)


def session_user(token: str | None) -> User | None:
    """The signed-in user of a session token, or None (unknown, expired, or account disabled)."""
    if not token:
        return None
    with Session(engine()) as session:
        found = session.execute(select(StaffSession, StaffUser).join(StaffUser)
                                .where(StaffSession.token_hash == _digest(token))).first()
        if found is None:
            return None
        staff_session, user = found
        if utc(staff_session.expires_at) <= utcnow() or not user.active:
            return None
        return User(user.id, user.username, user.role, staff_session.csrf)


def log_out(token: str | None) -> None:
    if token:
        with Session(engine()) as session, session.begin():
            session.execute(delete(StaffSession).where(StaffSession.token_hash == _digest(token)))
