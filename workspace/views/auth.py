"""Signing in and out, and the home page.

The sign-in form has no session yet: its CSRF token is an HMAC of a random nonce kept in a
short-lived cookie (double submit, keyed with WORKSPACE_SECRET)."""
from __future__ import annotations

import hashlib
import hmac
import secrets

from sanic import Blueprint, response
from sanic.request import Request

from workspace import audit
from workspace.accounts import log_in, log_out
from workspace.guard import staff
from workspace.render import page, refused

pages = Blueprint("auth")
SESSION_COOKIE = "ws_session"
LOGIN_COOKIE = "ws_login"


def _set_cookie(reply, name: str, value: str, path: str, max_age: int, secure: bool) -> None:
    """Sanic 22.12's cookie jar: HttpOnly, SameSite=Strict; max_age 0 deletes it."""
    reply.cookies[name] = value
    cookie = reply.cookies[name]
    cookie["path"], cookie["max-age"], cookie["httponly"], cookie["samesite"] = path, max_age, True, "Strict"
    if secure:
        cookie["secure"] = True


def _login_token(request: Request, nonce: str) -> str:
    key = request.app.ctx.settings.secret.get_secret_value().encode()
    return hmac.new(key, nonce.encode(), hashlib.sha256).hexdigest()


def _login_form(request: Request, status: int = 200, error: str = "") -> response.HTTPResponse:
    nonce = secrets.token_urlsafe(24)
    reply = page(request, "login.html", status=status, error=error, login_csrf=_login_token(request, nonce))
    _set_cookie(reply, LOGIN_COOKIE, nonce, "/login", 1800, request.app.ctx.settings.cookie_secure)
    return reply


@pages.get("/login")
async def login_page(request: Request):
    if request.ctx.user is not None:
        return response.redirect("/", status=303)
    return _login_form(request)


@pages.post("/login")
async def login(request: Request):
    settings = request.app.ctx.settings
    nonce = request.cookies.get(LOGIN_COOKIE) or ""
    sent = (request.form or {}).get("csrf") or ""
    if not nonce or not hmac.compare_digest(sent.encode(), _login_token(request, nonce).encode()):
        return refused(request, 403, "Biểu mẫu đăng nhập đã hết hạn. Vui lòng tải lại trang.")
    username = (request.form.get("username") or "")[:64]
    result = log_in(username, request.form.get("password") or "", request.ip or "?", settings.login_max_failures,
                    settings.login_window_minutes, settings.session_minutes)
    if result.limited:
        audit.record(username.strip().lower() or "?", "login_limited")
        return _login_form(request, 429, f"Đăng nhập sai quá nhiều lần. Vui lòng thử lại sau "
                                         f"{settings.login_window_minutes} phút.")
    if result.user is None:
        return _login_form(request, 401, "Tên đăng nhập hoặc mật khẩu không đúng.")
    audit.record(result.user.username, "login")
    reply = response.redirect("/", status=303)
    _set_cookie(reply, SESSION_COOKIE, result.token, "/", settings.session_minutes * 60, settings.cookie_secure)
    _set_cookie(reply, LOGIN_COOKIE, "", "/login", 0, settings.cookie_secure)
    return reply


@staff(pages, "/logout", methods=("POST",))
def logout(request: Request, user):
    log_out(request.cookies.get(SESSION_COOKIE))
    audit.record(user.username, "logout")
    reply = response.redirect("/login", status=303)
    _set_cookie(reply, SESSION_COOKIE, "", "/", 0, request.app.ctx.settings.cookie_secure)
    return reply


@staff(pages, "/")
def home(request: Request, user):
    return page(request, "home.html")
