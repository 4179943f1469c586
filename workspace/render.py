"""Server-rendered pages: Jinja2 templates (autoescaped), sent with a strict Content-Security-Policy."""
from __future__ import annotations

from pathlib import Path

from jinja2 import Environment, FileSystemLoader, select_autoescape
from sanic import response
from sanic.request import Request
from sanic.response import HTTPResponse

from workspace.accounts import ROLE_NAMES
from workspace.content import LEVEL_NAMES

TEMPLATES = Environment(loader=FileSystemLoader(Path(__file__).with_name("templates")),
                        autoescape=select_autoescape(default=True), trim_blocks=True, lstrip_blocks=True)
TEMPLATES.globals["role_names"] = ROLE_NAMES
TEMPLATES.filters["level_names"] = lambda levels: ", ".join(LEVEL_NAMES.get(level, level) for level in levels)
HEADERS = {
    "Cache-Control": "no-store",
    "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; "
                               "form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
}


def page(request: Request, template: str, status: int = 200, **context) -> HTTPResponse:
    user = getattr(request.ctx, "user", None)
    html = TEMPLATES.get_template(template).render(user=user, csrf=user.csrf if user else "",
                                                   path=request.path, **context)
    return response.html(html, status=status, headers=HEADERS)


def refused(request: Request, status: int, message: str) -> HTTPResponse:
    return page(request, "refused.html", status=status, message=message)
