"""Staff command line: python -m knowledge_base <command> (see --help)."""
from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

from envconfig import SettingsError
from knowledge_base import KnowledgeBaseError
from knowledge_base.catalog import apply_changes, load_catalog, remove_record, write_record
from knowledge_base.index import build_index, current_build, is_current, read_manifest
from knowledge_base.schema import parse_faq
from knowledge_base.settings import Settings


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m knowledge_base", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("validate", help="check every catalog file; non-zero exit on any problem")
    build = commands.add_parser("build", help="build the search index and make it live")
    build.add_argument("--if-changed", action="store_true", help="skip when the live index matches the catalog")
    stats = commands.add_parser("stats", help="count records")
    stats.add_argument("--json", action="store_true")
    search = commands.add_parser("search", help="search like the bot does")
    search.add_argument("question", nargs="?")
    search.add_argument("--top", type=int, default=5)
    search.add_argument("--json", action="store_true")
    search.add_argument("--jsonl", action="store_true", help="questions on stdin, one per line")
    evaluate = commands.add_parser("eval", help="hit@1, hit@3, MRR on the golden set")
    evaluate.add_argument("--split", choices=("dev", "heldout", "all", "portal"), default="all",
                          help="golden splits, or 'portal': real citizen questions (all: both)")
    evaluate.add_argument("--misses", action="store_true", help="list the dev questions answered wrongly (held-out ones are only counted)")
    imp = commands.add_parser("import", help="import records from JSON (portal format), CSV or XLSX")
    imp.add_argument("file", type=Path)
    portal = commands.add_parser("import-portal", help="import the national portal's official records (folders or .json files)")
    portal.add_argument("paths", nargs="+", type=Path)
    portal.add_argument("--collected", type=_date, required=True,
                        help="when the snapshot was collected (YYYY-MM-DD): the answers cite it")
    flags = commands.add_parser("flags", help="values the import flagged for staff to check")
    flags.add_argument("--reason", help="only this reason (e.g. fee_set_by_council)")
    flags.add_argument("--json", action="store_true")
    exp = commands.add_parser("export", help="export procedures to JSON, CSV or XLSX (by extension)")
    exp.add_argument("file", type=Path)
    add = commands.add_parser("add-faq", help="add or replace an FAQ entry")
    add.add_argument("id")
    add.add_argument("--question", "-q", action="append", required=True, help="repeat for each variant")
    add.add_argument("--answer", "-a", required=True)
    add.add_argument("--source", required=True)
    add.add_argument("--related", action="append", default=[])
    add.add_argument("--verified", action="store_true")
    edit = commands.add_parser("edit-faq", help="change parts of an FAQ entry")
    edit.add_argument("id")
    edit.add_argument("--question", "-q", action="append", help="replaces all variants; repeat")
    edit.add_argument("--answer", "-a")
    edit.add_argument("--source")
    edit.add_argument("--verified", choices=("true", "false"))
    rm = commands.add_parser("remove-faq", help="delete an FAQ entry")
    rm.add_argument("id")
    return parser


def _date(text: str):
    import datetime as dt

    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a date YYYY-MM-DD") from None


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        return COMMANDS[args.command](args, Settings.from_env())
    except (KnowledgeBaseError, SettingsError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 1


def _validate(args, settings: Settings) -> int:
    catalog = load_catalog(settings.catalog_dir)
    print(f"ok: {len(catalog.procedures)} procedures, {len(catalog.faqs)} FAQ entries")
    return 0


def _build(args, settings: Settings) -> int:
    catalog = load_catalog(settings.catalog_dir)
    live = current_build(settings.index_dir)
    if args.if_changed and is_current(live, catalog, settings.encoder):
        print(f"index up to date ({live.name})")
        return 0
    from tqdm import tqdm

    from knowledge_base.encoders import LazyEncoder

    encoder = LazyEncoder(settings.encoder, settings.encoder_engine)
    target = build_index(catalog, encoder, settings.index_dir,
                         progress=lambda batches: tqdm(batches, desc="encoding", unit="batch", file=sys.stderr,
                                                        disable=not sys.stderr.isatty()))   # no bar in logs
    manifest = read_manifest(target)
    print(f"built {target.name}: {manifest.procedures} procedures, {manifest.faqs} FAQ entries, "
          f"{manifest.passages} passages, {manifest.encoder} dim {manifest.dim}, {manifest.build_seconds}s")
    return 0


def _stats(args, settings: Settings) -> int:
    catalog = load_catalog(settings.catalog_dir)
    from collections import Counter

    provenance = Counter(p.provenance for p in catalog.procedures)
    flags = Counter(f.reason for p in catalog.procedures for f in p.flags)
    counts = {
        "procedures": len(catalog.procedures),
        "faqs": len(catalog.faqs),
        "official": provenance["official"],
        "verified": provenance["verified"],
        "drafted": provenance["drafted"],
        "verified_procedures": provenance["verified"],
        "flags": sum(flags.values()),
        "flagged_procedures": sum(bool(p.flags) for p in catalog.procedures),
        "flags_by_reason": dict(sorted(flags.items())),
        "fields": len({p.field for p in catalog.procedures}),
    }
    print(json.dumps(counts) if args.json else "\n".join(f"{k}: {v}" for k, v in counts.items()))
    return 0


def _hits_json(result) -> dict:
    return {"query": result.query, "decision": result.decision, "hits": [
        {"id": h.record.id, "kind": h.record.kind, "code": getattr(h.record, "national_code", None),
         "provenance": h.record.provenance, "title": h.record.title, "score": round(h.score, 4)}
        for h in result.hits]}


def _search(args, settings: Settings) -> int:
    from knowledge_base.service import KnowledgeBase

    kb = KnowledgeBase(settings)
    if args.jsonl:
        for line in sys.stdin:
            if line.strip():
                print(json.dumps(_hits_json(kb.search(line.strip(), args.top)), ensure_ascii=False), flush=True)
        return 0
    if not args.question:
        print("error: give a question, or --jsonl to read questions from stdin", file=sys.stderr)
        return 2
    result = kb.search(args.question, args.top)
    if args.json:
        print(json.dumps(_hits_json(result), ensure_ascii=False))
        return 0
    print(f"decision: {result.decision}")
    for n, hit in enumerate(result.hits, 1):
        print(f"{n}. {hit.record.id:32} {hit.score:.3f} (dense {hit.dense:.3f}, lexical {hit.lexical:.3f})  {hit.record.title}")
    return 0


def _eval(args, settings: Settings) -> int:
    from knowledge_base.evaluation import (
        catalog_codes, evaluate, evaluate_portal, hit_codes, load_golden, load_portal_questions,
    )
    from knowledge_base.service import KnowledgeBase

    kb = KnowledgeBase(settings)
    questions = [q for q in load_golden() if args.split == "all" or q.split == args.split]

    def show_miss(question, result) -> None:
        if question.split == "heldout":
            return
        got = ", ".join(f"{h.record.id}:{h.score:.2f}" for h in result.hits[:3])
        print(f"MISS [{question.style}] {question.text!r} expected {question.expect} got {result.decision} {got}")

    kb.search("khởi động")  # load the model and index before timing
    started = time.perf_counter()
    asked = len(questions)
    report = evaluate(questions, kb.search, show_miss if args.misses else None)
    for split, rows in report.items():
        print(f"== {split}")
        for name, row in rows.items():
            print(f"  {name:14} " + "  ".join(f"{k}={v}" for k, v in row.items()))
    if args.split in ("all", "portal"):
        portal = evaluate_portal(load_portal_questions(), lambda q: hit_codes(kb.search(q)),
                                 catalog_codes(kb.index().records))
        print("== portal (real citizen questions, dev)")
        print("  " + "  ".join(f"{k}={v}" for k, v in portal.items()))
        asked += portal["of"]
    print(f"{asked} questions in {time.perf_counter() - started:.1f}s")
    return 0


def _import(args, settings: Settings) -> int:
    from knowledge_base.importers import read_records

    records = read_records(args.file)
    apply_changes(settings.catalog_dir, records)
    print(f"imported {len(records)} records into {settings.catalog_dir}; run 'build' to make them live")
    return 0


def _import_portal(args, settings: Settings) -> int:
    from knowledge_base.portal_import import import_portal

    report = import_portal(settings.catalog_dir, args.paths, args.collected)
    print("\n".join(report.lines()))
    print("run 'build' to make them live")
    return 0


def _flags(args, settings: Settings) -> int:
    catalog = load_catalog(settings.catalog_dir)
    rows = [{"id": p.id, "name": p.name, "field": f.field, "reason": f.reason, "detail": f.detail}
            for p in catalog.procedures for f in p.flags if not args.reason or f.reason == args.reason]
    if args.json:
        print(json.dumps(rows, ensure_ascii=False, indent=1))
    else:
        for row in rows:
            print(f"{row['id']:12} {row['field']:32} {row['reason']:28} {row['detail']}")
        print(f"{len(rows)} flags")
    return 0


def _export(args, settings: Settings) -> int:
    from knowledge_base.importers import write_procedures

    catalog = load_catalog(settings.catalog_dir)
    write_procedures(args.file, catalog.procedures)
    print(f"exported {len(catalog.procedures)} procedures to {args.file}")
    return 0


def _faq(settings: Settings, record_id: str):
    record = load_catalog(settings.catalog_dir).get(record_id)
    if record is None or record.kind != "faq":
        raise KnowledgeBaseError(f"no FAQ entry with id '{record_id}'")
    return record


def _add_faq(args, settings: Settings) -> int:
    faq = parse_faq({"id": args.id, "questions": args.question, "answer": args.answer, "source": args.source,
                     "related": args.related, "last_checked": time.strftime("%Y-%m-%d"),
                     "verified": args.verified}, "command line")
    path = write_record(settings.catalog_dir, faq)
    _check_or_undo(settings, path, None)
    print(f"wrote {path}; run 'build' to make it live")
    return 0


def _edit_faq(args, settings: Settings) -> int:
    from knowledge_base.schema import faq_to_raw

    old = _faq(settings, args.id)
    raw = faq_to_raw(old)
    if args.question:
        raw["questions"] = args.question
    for name in ("answer", "source"):
        if getattr(args, name) is not None:
            raw[name] = getattr(args, name)
    if args.verified is not None:
        raw["verified"] = args.verified == "true"
    raw["last_checked"] = time.strftime("%Y-%m-%d")
    path = write_record(settings.catalog_dir, parse_faq(raw, "command line"))
    _check_or_undo(settings, path, old)
    print(f"updated {path}; run 'build' to make it live")
    return 0


def _check_or_undo(settings: Settings, path: Path, previous) -> None:
    """Validate the whole catalog after a write; put the previous version back if it fails."""
    try:
        load_catalog(settings.catalog_dir)
    except KnowledgeBaseError:
        if previous is None:
            path.unlink()
        else:
            write_record(settings.catalog_dir, previous)
        raise


def _remove_faq(args, settings: Settings) -> int:
    remove_record(settings.catalog_dir, _faq(settings, args.id))
    print(f"removed {args.id}; run 'build' to make it live")
    return 0


COMMANDS = {
    "validate": _validate, "build": _build, "stats": _stats, "search": _search, "eval": _eval,
    "import": _import, "import-portal": _import_portal, "flags": _flags, "export": _export, "add-faq": _add_faq,
    "edit-faq": _edit_faq, "remove-faq": _remove_faq,
}
