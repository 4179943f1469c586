"""Accounts and the audit log (admin only)."""
from __future__ import annotations

from sanic import Blueprint, response
from sanic.request import Request

from workspace import audit
from workspace.accounts import ROLES, AccountError, create_user, update_user, users
from workspace.guard import staff
from workspace.render import page

pages = Blueprint("admin")


@staff(pages, "/users", role="admin")
def user_list(request: Request, user, error: str = "", status: int = 200):
    return page(request, "users.html", status=status, users=users(), roles=ROLES, error=error)


@staff(pages, "/users", role="admin", methods=("POST",))
def user_create(request: Request, user):
    form = request.form
    try:
        created = create_user(form.get("username") or "", form.get("password") or "", form.get("role") or "")
    except AccountError as error:
        return user_list(request, user, str(error), 400)
    audit.record(user.username, "create_user", created.username, created.role)
    return response.redirect("/users", status=303)


@staff(pages, "/users/<user_id:int>", role="admin", methods=("POST",))
def user_update(request: Request, user, user_id: int):
    form = request.form
    try:
        changed = update_user(user_id, role=form.get("role") or None,
                              active={"1": True, "0": False}.get(form.get("active") or ""),
                              password=form.get("password") or None)
    except AccountError as error:
        return user_list(request, user, str(error), 400)
    audit.record(user.username, "update_user", changed.username,
                 f"role={changed.role} active={changed.active}" + (" password reset" if form.get("password") else ""))
    return response.redirect("/users", status=303)


@staff(pages, "/audit", role="admin")
def audit_log(request: Request, user):
    return page(request, "audit.html", entries=audit.recent())
