"""python -m workspace serve | create-user NAME --role editor|reviewer|admin

serve        the staff workspace on WORKSPACE_PORT (default 5006); make run starts it
create-user  an account; the password is asked for (or read from standard input with
             --password-stdin); the first administrator is made this way, nothing is built in
"""
from __future__ import annotations

import argparse
import getpass
import sys

from appdb.engine import engine
from appdb.migrate import MigrationError, upgrade
from envconfig import SettingsError, rasa_port, workspace_port
from workspace.accounts import ROLES, AccountError, create_user


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m workspace", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("serve", help="run the workspace")
    create = commands.add_parser("create-user", help="create a staff account")
    create.add_argument("username")
    create.add_argument("--role", choices=ROLES, required=True)
    create.add_argument("--password-stdin", action="store_true", help="read the password from standard input")
    args = parser.parse_args(argv)
    try:
        upgrade(engine())           # an empty or older database gets the current schema first
        if args.command == "serve":
            return serve()
        password = sys.stdin.readline().rstrip("\n") if args.password_stdin else _ask_password()
        user = create_user(args.username, password, args.role)
    except (MigrationError, SettingsError, AccountError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    from workspace import audit

    audit.record("cli", "create_user", user.username, user.role)
    print(f"created {user.role} '{user.username}'")
    return 0


def _ask_password() -> str:
    password = getpass.getpass("mật khẩu: ")
    if password != getpass.getpass("nhập lại: "):
        raise AccountError("hai lần nhập không khớp")
    return password


def serve() -> int:
    from knowledge_base.settings import Settings as KnowledgeBaseSettings
    from workspace.app import create_app
    from workspace.publish import Publisher
    from workspace.rasa_api import RasaApi
    from workspace.settings import WorkspaceSettings

    settings = WorkspaceSettings.from_env()
    port = workspace_port()
    rasa = RasaApi(settings.rasa_url or f"http://127.0.0.1:{rasa_port()}", settings.rasa_api_token.get_secret_value())
    app = create_app(settings, Publisher(KnowledgeBaseSettings.from_env()), rasa)
    app.run(host=settings.host, port=port, single_process=True, access_log=False, motd=False)
    return 0
