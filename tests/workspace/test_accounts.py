"""Signing in, the limit on wrong passwords, accounts and the audit log, through the real server."""
from __future__ import annotations

import re
import subprocess
import sys

from tests.conftest import ROOT
from tests.workspace.conftest import PASSWORD


def test_sign_in_and_out(workspace):
    staff = workspace.client()
    assert staff.get("/").status_code == 303                       # no session: to the sign-in page
    reply = staff.log_in("bien.tap", PASSWORD)
    assert reply.status_code == 303 and "ws_session" in reply.headers["set-cookie"]
    cookie = reply.headers["set-cookie"].lower()
    assert "httponly" in cookie and "samesite=strict" in cookie and "max-age=28800" in cookie
    assert "bien.tap" in staff.get("/").text
    assert staff.post("/logout").status_code == 303
    assert staff.get("/").status_code == 303                       # the session is gone on the server


def test_the_fifth_wrong_password_is_refused_as_rate_limited_even_before_a_right_one(workspace):
    subprocess.run([sys.executable, "-m", "workspace", "create-user", "thu.sai", "--role", "editor",
                    "--password-stdin"], input=PASSWORD + "\n", text=True, env=workspace.env, cwd=ROOT, check=True)
    staff = workspace.client()
    codes = [staff.log_in("thu.sai", f"sai-mat-khau-{n}").status_code for n in range(5)]
    assert codes == [401, 401, 401, 401, 429]
    limited = staff.log_in("thu.sai", PASSWORD)
    assert limited.status_code == 429 and "quá nhiều lần" in limited.text
    assert staff.log_in("bien.tap", PASSWORD).status_code == 303    # another account is not locked


def test_the_login_form_needs_its_token(workspace):
    staff = workspace.client()
    staff.http.get("/login")
    reply = staff.http.post("/login", data={"username": "admin", "password": PASSWORD})
    assert reply.status_code == 403 and "ws_session" not in reply.headers.get("set-cookie", "")


def test_an_admin_creates_an_account_with_a_role_and_the_audit_log_says_who(workspace):
    admin = workspace.client("admin")
    assert admin.post("/users", {"username": "moi.vao", "password": "ngan"}).status_code == 400   # too short
    assert admin.post("/users", {"username": "moi.vao", "password": PASSWORD, "role": "reviewer"}).status_code == 303
    assert "moi.vao" in admin.get("/users").text
    newcomer = workspace.client("moi.vao")
    assert newcomer.get("/").status_code == 200 and newcomer.get("/users").status_code == 403
    log = admin.get("/audit").text
    assert "create_user" in log and "moi.vao" in log and "admin" in log


def test_a_disabled_account_loses_its_session_at_once(workspace):
    admin = workspace.client("admin")
    admin.post("/users", {"username": "tam.khoa", "password": PASSWORD, "role": "editor"})
    staff = workspace.client("tam.khoa")
    assert staff.get("/").status_code == 200
    page = admin.get("/users").text
    row = page[page.index("tam.khoa"):]
    user_id = re.search(r'action="/users/(\d+)"', row).group(1)
    assert admin.post(f"/users/{user_id}", {"role": "editor", "active": "0"}).status_code == 303
    assert staff.get("/").status_code == 303
    assert staff.log_in("tam.khoa", PASSWORD).status_code == 401


def test_create_user_cli_refuses_a_short_password_and_a_duplicate(workspace):
    run = lambda name, password: subprocess.run(  # noqa: E731
        [sys.executable, "-m", "workspace", "create-user", name, "--role", "admin", "--password-stdin"],
        input=password + "\n", text=True, env=workspace.env, cwd=ROOT, capture_output=True)
    assert run("ngan.qua", "123").returncode == 1
    duplicate = run("admin", PASSWORD)
    assert duplicate.returncode == 1 and "đã có" in duplicate.stderr
