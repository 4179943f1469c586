"""Every staff page goes through `staff(...)`: a signed-in user, the role it needs, and on every
form (POST) the session's CSRF token; all checked on the server. ROUTES lists them for the
security tests, which try each one without a session, with a lower role and without the token."""
from __future__ import annotations

import hmac
from inspect import isawaitable
from typing import Callable

from sanic import Blueprint, response
from sanic.request import Request

from workspace.render import refused

ROUTES: list[tuple[str, str, str]] = []      # (method, uri, the lowest role allowed)


def csrf_ok(request: Request, expected: str) -> bool:
    sent = (request.form or {}).get("csrf") or ""
    return bool(expected) and hmac.compare_digest(sent.encode(), expected.encode())


def staff(blueprint: Blueprint, uri: str, role: str = "editor", methods: tuple[str, ...] = ("GET",)) -> Callable:
    def decorate(handler: Callable) -> Callable:
        async def guarded(request: Request, **params):
            user = request.ctx.user
            if user is None:
                if request.method == "GET":
                    return response.redirect("/login", status=303)
                return refused(request, 401, "Phiên đăng nhập đã hết hoặc chưa đăng nhập. Vui lòng đăng nhập lại.")
            if not user.can(role):
                return refused(request, 403, "Tài khoản của Anh/Chị không có quyền thực hiện việc này.")
            if request.method == "POST" and not csrf_ok(request, user.csrf):
                return refused(request, 403, "Biểu mẫu đã hết hạn hoặc không hợp lệ. Vui lòng tải lại trang.")
            result = handler(request, user, **params)
            return await result if isawaitable(result) else result

        guarded.__name__ = handler.__name__
        blueprint.add_route(guarded, uri, methods=list(methods), name=f"{handler.__name__}_{'_'.join(methods)}")
        ROUTES.extend((method, uri, role) for method in methods)
        return handler
    return decorate
