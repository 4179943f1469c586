"""Staff command line: `python -m dossiers import FILE | show CODE | seed-demo`.

Writes go to the SQL store on DATABASE_URL (the HTTP backend is read-only from here).
Personal data is printed masked; the check digits are never printed except the demo set's.
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from appdb import AppDbError
from dossiers import DossierError, DossierImportError
from dossiers.checks import mask_name
from dossiers.codec import to_json
from dossiers.codes import normalize_code
from dossiers.model import VIETNAM, Dossier, today
from dossiers.settings import DossierSettings
from envconfig import SettingsError


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m dossiers", description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    load = commands.add_parser("import", help="load or update dossiers from a .csv or .json file "
                                              "(columns: docs/dossier-import.md); idempotent on the code")
    load.add_argument("file", type=Path)
    show = commands.add_parser("show", help="a dossier's status and history, personal data masked")
    show.add_argument("code")
    show.add_argument("--json", action="store_true", help="the API contract's JSON form")
    seed = commands.add_parser("seed-demo", help="load the fictitious demo set (every status, some late)")
    seed.add_argument("--count", type=int, default=2000)
    seed.add_argument("--if-empty", action="store_true", help="only when there is no dossier yet (make run)")
    args = parser.parse_args(argv)
    try:
        settings = DossierSettings.from_env()
        return {"import": import_file, "show": show_dossier, "seed-demo": seed_demo}[args.command](args, settings)
    except DossierImportError as error:
        print(f"error: {error}; nothing was imported:", *error.problems, sep="\n  ", file=sys.stderr)
        return 1
    except (DossierError, AppDbError, SettingsError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 1


def _sql_store(settings: DossierSettings):
    from appdb.engine import engine
    from appdb.migrate import upgrade
    from dossiers.sql_store import SqlDossierStore
    upgrade(engine())       # an empty or older database gets the current schema first
    return SqlDossierStore(engine(), settings.hash_key.get_secret_value())


def import_file(args: argparse.Namespace, settings: DossierSettings) -> int:
    from dossiers.importer import read_file
    updates = read_file(args.file)
    result = _sql_store(settings).upsert(updates)
    print(f"imported {len(updates)} dossier(s): {result.created} created, {result.updated} updated")
    return 0


def show_dossier(args: argparse.Namespace, settings: DossierSettings) -> int:
    from dossiers.store import open_store
    dossier = open_store(settings).get(normalize_code(args.code))
    if dossier is None:
        print("no dossier with this code", file=sys.stderr)
        return 1
    if args.json:
        data = to_json(dossier)
        data["applicant"]["name"] = mask_name(dossier.applicant.name)
        print(json.dumps(data, ensure_ascii=False, indent=2))
    else:
        print(describe(dossier))
    return 0


def describe(dossier: Dossier) -> str:
    """The staff view: every field, names and numbers masked."""
    on = today()
    timing = (f"{-dossier.days_to_due(on)} day(s) LATE" if dossier.is_overdue(on)
              else f"{dossier.days_to_due(on)} day(s) left" if dossier.status.in_progress else "closed")
    lines = [
        f"code:             {dossier.code}",
        f"procedure:        {dossier.procedure_name}" + (f" [{dossier.procedure_id}]" if dossier.procedure_id else ""),
        f"applicant:        {mask_name(dossier.applicant.name)}  phone {dossier.applicant.phone_masked or '-'}"
        f"  ID {dossier.applicant.id_number_masked or '-'}",
        f"received / due:   {dossier.received_on} / {dossier.due_on}  ({timing})",
        f"status:           {dossier.status.number}. {dossier.status.label}"
        + (f" — {dossier.status_note}" if dossier.status_note else ""),
        f"handling unit:    {dossier.handling_unit}",
    ]
    if dossier.missing_documents:
        lines.append(f"missing:          {'; '.join(dossier.missing_documents)} -> {dossier.supplement_place or '-'}")
    if dossier.apology_letter or dossier.new_due_on:
        lines.append(f"apology:          {dossier.apology_letter or '-'} (new date {dossier.new_due_on or '-'})")
    if dossier.collection_method or dossier.collection_place:
        lines.append(f"collection:       {dossier.collection_method or '-'} at {dossier.collection_place or '-'}")
    lines.append("history (Vietnam time):")
    lines += [f"  {c.at.astimezone(VIETNAM):%Y-%m-%d %H:%M}  {c.status.label}" + (f" — {c.note}" if c.note else "")
              for c in dossier.history]
    return "\n".join(lines)


def seed_demo(args: argparse.Namespace, settings: DossierSettings) -> int:
    from dossiers.demo import credentials, demo_updates
    if args.if_empty and settings.backend != "sql":
        return 0                                    # the one-stop-shop system has the dossiers
    store = _sql_store(settings)
    if args.if_empty and store.count():
        return 0
    updates = demo_updates(args.count)
    result = store.upsert(updates)
    print(f"demo dossiers (fictitious): {result.created} created, {result.updated} updated. To try in chat, "
          "say “tra cứu hồ sơ”, then give a code and the last 4 digits of the demo phone (or ID) number:")
    shown: set = set()
    for demo in credentials(updates):
        key = (demo.status, demo.overdue)
        if key not in shown:
            shown.add(key)
            print(f"  {demo.code}  phone …{demo.phone_last4}  ID …{demo.id_last4}  "
                  f"{demo.status.label}{'  (LATE)' if demo.overdue else ''}")
    return 0
