"""Every page and form of the workspace, tried without a session, with a role too low, and without
the CSRF token: each is refused. The routes come from workspace.guard.ROUTES, which every page
registers through, so a new page is tried too."""
from __future__ import annotations

import re

import pytest

from tests.conftest import ARTIFACTS
from workspace.accounts import ROLES
from workspace.app import create_app  # noqa: F401  (imports every page, filling ROUTES)
from workspace.guard import ROUTES

LOWER = {"reviewer": "bien.tap", "admin": "duyet"}       # an account one role below
ALLOWED = {"editor": "bien.tap", "reviewer": "duyet", "admin": "admin"}


def concrete(uri: str) -> str:
    """A path for a route's pattern: parameters get a plausible value."""
    return re.sub(r"<([a-z_]+)(:int)?[^>]*>", lambda m: "1" if m.group(2) else "1.001193", uri)


def test_there_are_routes_to_check():
    assert len(ROUTES) >= 5 and {role for _, _, role in ROUTES} <= set(ROLES)


@pytest.mark.parametrize("method, uri, role", ROUTES, ids=[f"{m} {u}" for m, u, _ in ROUTES])
def test_without_a_session_it_is_refused(workspace, method, uri, role):
    reply = workspace.client().http.request(method, concrete(uri), data={"csrf": "x"} if method == "POST" else None)
    if method == "GET":
        assert reply.status_code == 303 and reply.headers["location"] == "/login"
    else:
        assert reply.status_code == 401


@pytest.mark.parametrize("method, uri, role", [r for r in ROUTES if r[2] != "editor"],
                         ids=[f"{m} {u}" for m, u, r in ROUTES if r != "editor"])
def test_with_a_lower_role_it_is_refused(workspace, method, uri, role):
    staff = workspace.client(LOWER[role])
    data = {"csrf": staff.csrf()} if method == "POST" else None
    assert staff.http.request(method, concrete(uri), data=data).status_code == 403


@pytest.mark.parametrize("method, uri, role", [r for r in ROUTES if r[0] == "POST"],
                         ids=[f"{m} {u}" for m, u, _ in ROUTES if m == "POST"])
def test_a_form_without_its_csrf_token_is_refused(workspace, method, uri, role):
    staff = workspace.client(ALLOWED[role])
    assert staff.http.post(concrete(uri), data={}).status_code == 403
    assert staff.http.post(concrete(uri), data={"csrf": "forged"}).status_code == 403


def test_pages_are_sent_with_a_strict_content_security_policy(workspace):
    reply = workspace.client().http.get("/login")
    assert "default-src 'none'" in reply.headers["content-security-policy"]
    assert reply.headers["x-frame-options"] == "DENY"


def test_no_personal_number_on_any_page_or_in_the_log(workspace):
    from tests.workspace.test_review import ask_unanswered

    ask_unanswered(workspace, "số căn cước 001203004567 của tôi, điện thoại 0987 123 456, làm sao cấp lại", 2)
    admin = workspace.client("admin")
    pages = [admin.get(concrete(uri)).text for method, uri, _ in ROUTES if method == "GET"]
    pages += [admin.get(path).text for path in ("/questions", "/dashboard/export/unanswered/csv")]
    assert any("số căn cước *** của tôi" in page for page in pages)           # the question is there, masked
    for page in pages:
        assert "001203004567" not in page and "0987 123 456" not in page and "0987123456" not in page
    log = (ARTIFACTS / "logs" / "workspace.log").read_text(errors="replace")
    assert "001203004567" not in log and "0987" not in log
