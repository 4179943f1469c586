"""`python -m notifications worker | dead-letters [--json] | retry ID… | summary` (staff and `make run`)."""
from __future__ import annotations

import argparse
import json
import logging
import signal
import sys
import threading

from appdb import AppDbError
from envconfig import SettingsError, load_dotenv
from dossiers.codes import masked_code


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m notifications", description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("worker", help="deliver notifications until stopped (make run starts it)")
    dead = commands.add_parser("dead-letters", help="notifications given up on, with the reason")
    dead.add_argument("--json", action="store_true")
    retry = commands.add_parser("retry", help="try dead letters again (after fixing the cause)")
    retry.add_argument("ids", nargs="+", type=int)
    commands.add_parser("summary", help="deliveries per state, changes not yet fanned out")
    args = parser.parse_args(argv)
    load_dotenv()
    try:
        from appdb.engine import engine
        from notifications.outbox import Outbox
        from notifications.worker import utc_now
        outbox = Outbox(engine())
        if args.command == "worker":
            return run_worker(engine())
        if args.command == "dead-letters":
            letters = outbox.dead_letters()
            if args.json:
                print(json.dumps([{"id": d.id, "key": d.key, "dossier": masked_code(d.dossier_code),
                                   "channel": d.channel, "attempts": d.attempts, "error": d.error,
                                   "changed_at": d.created_at.isoformat()} for d in letters], ensure_ascii=False))
            else:
                print(f"{len(letters)} dead letter(s)")
                for d in letters:
                    print(f"  #{d.id}  {masked_code(d.dossier_code)}  {d.channel:8}  {d.attempts} attempt(s)  "
                          f"{d.error or '-'}")
            return 0
        if args.command == "retry":
            print(f"{outbox.retry(args.ids, utc_now())} dead letter(s) due again")
            return 0
        counts = outbox.counts()
        print("deliveries: " + (", ".join(f"{state} {n}" for state, n in sorted(counts.items())) or "none")
              + f"; changes waiting: {outbox.pending_changes()}")
        return 0
    except (AppDbError, SettingsError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 1


def run_worker(engine) -> int:
    from dossiers.settings import DossierSettings
    from notifications.poller import Poller
    from notifications.settings import NotifySettings
    from notifications.transport import ChannelTransport
    from notifications.worker import Worker

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    logging.getLogger("httpx").setLevel(logging.WARNING)
    settings, dossier_settings = NotifySettings.from_env(), DossierSettings.from_env()
    poller = None
    if dossier_settings.backend == "http" and (settings.dossier_poll_minutes > 0 or settings.webhook_port):
        from dossiers.store import open_store
        from notifications.webhook import serve
        poller = Poller(engine, open_store(dossier_settings), settings.dossier_poll_minutes)
        if settings.webhook_port:
            serve(settings.webhook_host, settings.webhook_port, settings.webhook_token.get_secret_value(),
                  poller.nudge)
    transport = ChannelTransport(settings.rasa_url, settings.token.get_secret_value(), settings.timeout)
    stop = threading.Event()
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, lambda *_: stop.set())
    Worker(engine, settings, transport, poller=poller).run(stop)
    return 0
