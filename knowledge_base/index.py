"""Building, storing and loading the search index.

An index is a folder: manifest.json, records.json (the catalog snapshot it was built from),
passages.json (which text belongs to which record) and vectors.faiss. Builds go to
<index_dir>/builds/<stamp>/ and become live when the symlink <index_dir>/current is
swapped to them in one rename, so a failed build leaves the old index serving.
"""
from __future__ import annotations

import hashlib
import json
import logging
import os
import shutil
import time
from dataclasses import asdict, dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Callable, Iterable

logging.getLogger("faiss.loader").setLevel(logging.WARNING)  # its CPU-feature probing is noise
import faiss  # noqa: E402
import numpy as np
import yaml

from knowledge_base import KnowledgeBaseError
from knowledge_base.accents import AccentRestorer
from knowledge_base.catalog import Catalog
from knowledge_base.encoders import Encoder
from knowledge_base.lexical import LexicalIndex
from knowledge_base.schema import Procedure, Record, faq_to_raw, parse_faq, parse_procedure, procedure_to_raw
from knowledge_base.text import ABBREVIATIONS_FILE, load_vocabulary

FORMAT = 4   # 3: analysis files copied into each build; 4: names-only passages
CURRENT = "current"
KEEP_BUILDS = 3
OFF_TOPIC_FILE = Path(__file__).with_name("out_of_scope.yaml")
# Files that decide how text is analysed: a build keeps a copy of each and serves from it, so
# an edit takes effect exactly when it is rebuilt, in every process that loads the build.
ANALYSIS_FILES = (ABBREVIATIONS_FILE, OFF_TOPIC_FILE)
EXACT_SEARCH_LIMIT = 50_000   # passages; above it the vectors go into an HNSW graph


class IndexUnavailable(KnowledgeBaseError):
    """The index is missing, damaged or built with another encoder."""


@dataclass(frozen=True)
class Manifest:
    format: int
    encoder: str
    dim: int
    procedures: int
    faqs: int
    passages: int
    catalog_fingerprint: str
    analysis_fingerprint: str
    built_at: str
    build_seconds: float


@dataclass(frozen=True)
class LoadedIndex:
    path: Path
    manifest: Manifest
    records: tuple[Record, ...]
    by_id: dict[str, Record]
    passage_owner: np.ndarray      # record number of each vector
    vectors: faiss.Index
    lexical: LexicalIndex
    off_topic: np.ndarray          # vectors of everyday topics that are not procedures
    accents: AccentRestorer        # for questions typed without accents
    accent_texts: tuple[str, ...] = ()   # what `accents` learnt from


def passages_of(record: Record) -> list[str]:
    """The texts embedded for a record: its names as written (official name and aliases).

    No unaccented copies: a question typed without accents gets them back before it is
    embedded (accents.py), which measured as well as embedding folded copies of every name.
    No description passage (name + applicants + result): on the real portal questions and the
    golden set it measured no better than the names alone and took 70 % of the build's encoding
    time (long texts); applicants, result and documents stay in the lexical index.
    """
    return list(dict.fromkeys(record.names()))


def analysis_fingerprint(files: tuple[Path, Path] = ANALYSIS_FILES) -> str:
    """A hash of the analysis files' names and bytes."""
    digest = hashlib.sha256()
    for path in files:
        digest.update(f"{path.name}\0".encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def is_current(build: Path | None, catalog: Catalog, encoder_name: str,
               analysis_files: tuple[Path, Path] = ANALYSIS_FILES) -> bool:
    """Whether a build was made from this catalog, these analysis files and this encoder."""
    if build is None:
        return False
    try:
        manifest = read_manifest(build)
    except IndexUnavailable:
        return False
    return (manifest.format == FORMAT and manifest.catalog_fingerprint == catalog.fingerprint
            and manifest.analysis_fingerprint == analysis_fingerprint(analysis_files)
            and manifest.encoder == encoder_name)


def off_topic_texts(path: Path = OFF_TOPIC_FILE) -> list[str]:
    """The everyday topics a question may be closer to than to any record."""
    topics = [str(t) for t in yaml.safe_load(path.read_text(encoding="utf-8")) or []]
    return list(dict.fromkeys(topics))


def lexical_document(record: Record) -> str:
    return " . ".join((*record.search_texts(), *record.search_texts(), record.body_text()))


def build_index(catalog: Catalog, encoder: Encoder, index_dir: Path,
                progress: Callable[[Iterable], Iterable] = lambda batches: batches,
                analysis_files: tuple[Path, Path] = ANALYSIS_FILES) -> Path:
    """Encode the catalog, write a new build and make it current; return its folder.

    `analysis_files` are the abbreviation table and the off-topic list (in that order).
    """
    started = time.perf_counter()
    records = catalog.records
    owners, texts = [], []
    for number, record in enumerate(records):
        for text in passages_of(record):
            owners.append(number)
            texts.append(text)
    known = _previous_vectors(index_dir, encoder.name)
    vectors = _encode(texts, encoder, known, progress)
    off_topic = _encode(off_topic_texts(analysis_files[1]), encoder, known, lambda batches: batches)
    dim = vectors.shape[1]
    vector_index = _vector_index(dim, len(texts))
    vector_index.add(vectors)

    builds = index_dir / "builds"
    builds.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%S%fZ")
    target = builds / stamp
    staging = builds / f".{stamp}.partial"
    staging.mkdir()
    try:
        _write_build(staging, catalog, vector_index, owners, texts, off_topic, encoder.name, dim, started,
                     analysis_files)
        staging.rename(target)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    _point_current(index_dir, target)
    _prune(builds, keep=target)
    return target


def _write_build(staging: Path, catalog: Catalog, vector_index: faiss.Index, owners: list[int],
                 texts: list[str], off_topic: np.ndarray, encoder_name: str, dim: int, started: float,
                 analysis_files: tuple[Path, Path]) -> None:
    records = catalog.records
    faiss.write_index(vector_index, str(staging / "vectors.faiss"))
    _write_json(staging / "records.json", [
        {"kind": r.kind, **(procedure_to_raw(r) if isinstance(r, Procedure) else faq_to_raw(r))} for r in records
    ])
    _write_json(staging / "passages.json", {"owner": owners, "text": texts})
    np.save(staging / "off_topic.npy", off_topic)
    for source, name in zip(analysis_files, (ABBREVIATIONS_FILE.name, OFF_TOPIC_FILE.name)):
        shutil.copyfile(source, staging / name)
    manifest = Manifest(
        format=FORMAT, encoder=encoder_name, dim=dim, procedures=len(catalog.procedures),
        faqs=len(catalog.faqs), passages=len(texts), catalog_fingerprint=catalog.fingerprint,
        analysis_fingerprint=analysis_fingerprint(analysis_files),
        built_at=datetime.now(timezone.utc).isoformat(timespec="seconds"),
        build_seconds=round(time.perf_counter() - started, 2),
    )
    _write_json(staging / "manifest.json", asdict(manifest))  # written last: a build without it is incomplete


def _previous_vectors(index_dir: Path, encoder_name: str) -> dict[str, np.ndarray]:
    """Vectors of the live build by text (passages and off-topic subjects), when made by the
    same encoder: a staff edit re-encodes only the texts it changed, and one that changed no
    embedded text needs no model at all (encoders.LazyEncoder)."""
    build = current_build(index_dir)
    try:
        if build is None or read_manifest(build).encoder != encoder_name:
            return {}
        texts = json.loads((build / "passages.json").read_text(encoding="utf-8"))["text"]
        vectors = faiss.read_index(str(build / "vectors.faiss")).reconstruct_n(0, len(texts))
        known = dict(zip(off_topic_texts(build / OFF_TOPIC_FILE.name), np.load(build / "off_topic.npy")))
    except (IndexUnavailable, OSError, ValueError, KeyError, RuntimeError):
        return {}  # nothing reusable: encode everything
    known.update(zip(texts, vectors))
    return known


def _encode(texts: list[str], encoder: Encoder, known: dict[str, np.ndarray],
            progress: Callable[[Iterable], Iterable]) -> np.ndarray:
    missing = list(dict.fromkeys(t for t in texts if t not in known))
    batches = [missing[i:i + 64] for i in range(0, len(missing), 64)]
    for batch in progress(batches):
        known.update(zip(batch, encoder.encode_passages(batch)))
    if not texts:
        return np.zeros((0, encoder.dim), dtype=np.float32)
    return np.ascontiguousarray(np.vstack([known[t] for t in texts]), dtype=np.float32)


def _vector_index(dim: int, count: int) -> faiss.Index:
    """Exact inner product for a city-sized catalog; HNSW graph search beyond that."""
    if count <= EXACT_SEARCH_LIMIT:
        return faiss.IndexFlatIP(dim)
    graph = faiss.IndexHNSWFlat(dim, 32, faiss.METRIC_INNER_PRODUCT)
    graph.hnsw.efConstruction = 80
    graph.hnsw.efSearch = 96
    return graph


def _write_json(path: Path, data: object) -> None:
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")


def _point_current(index_dir: Path, target: Path) -> None:
    link = index_dir / CURRENT
    tmp = index_dir / f".{CURRENT}.{os.getpid()}"
    if tmp.is_symlink() or tmp.exists():
        tmp.unlink()
    tmp.symlink_to(target.relative_to(index_dir))
    os.replace(tmp, link)


def _prune(builds: Path, keep: Path) -> None:
    finished = sorted(p for p in builds.iterdir() if not p.name.startswith("."))
    for old in finished[:-KEEP_BUILDS]:
        if old != keep:
            shutil.rmtree(old, ignore_errors=True)


def current_build(index_dir: Path) -> Path | None:
    """The folder the current symlink points at, or None before the first build."""
    link = index_dir / CURRENT
    return link.resolve() if link.is_symlink() else None


def read_manifest(build: Path) -> Manifest:
    try:
        raw = json.loads((build / "manifest.json").read_text(encoding="utf-8"))
        raw.setdefault("analysis_fingerprint", "")   # format 2 had none: it is then never current
        return Manifest(**raw)
    except (OSError, ValueError, TypeError) as error:
        raise IndexUnavailable(f"index at {build} is incomplete or damaged ({error}); rebuild it") from error


def _by_id(records: tuple[Record, ...]) -> dict[str, Record]:
    """Records by id; ids of drafted records merged into an official one still resolve to it
    (buttons and conversations from before the merge)."""
    by_id = {old: r for r in records for old in getattr(r, "former_ids", ())}
    by_id.update((r.id, r) for r in records)
    return by_id


def load_index(build: Path, encoder_name: str, previous: LoadedIndex | None = None) -> LoadedIndex:
    """Load a build; refuse one made with another encoder than the one configured. With the
    `previous` build loaded by this process (same analysis files), what did not change is reused:
    its lexical index and accent model when their texts are the same (a fee edit), else its
    analysed texts, so that after a staff edit only the changed records are analysed again."""
    manifest = read_manifest(build)
    if manifest.format != FORMAT:
        raise IndexUnavailable(f"index at {build} has format {manifest.format}, expected {FORMAT}; rebuild it")
    if manifest.encoder != encoder_name:
        raise IndexUnavailable(
            f"index at {build} was built with encoder '{manifest.encoder}' but KB_ENCODER is "
            f"'{encoder_name}'; rebuild it (python -m knowledge_base build) or set KB_ENCODER"
        )
    raw_records = json.loads((build / "records.json").read_text(encoding="utf-8"))
    records = tuple(
        parse_procedure(r, "index") if r.pop("kind") == "procedure" else parse_faq(r, "index") for r in raw_records
    )
    passages = json.loads((build / "passages.json").read_text(encoding="utf-8"))
    documents, names = [lexical_document(r) for r in records], [r.names() for r in records]
    same = previous is not None and previous.manifest.analysis_fingerprint == manifest.analysis_fingerprint
    if same and previous.lexical.texts == (tuple(documents), tuple(tuple(n) for n in names)):
        lexical = previous.lexical          # e.g. a fee edit: no searched text changed
    else:
        lexical = LexicalIndex(documents, names, load_vocabulary(build / ABBREVIATIONS_FILE.name),
                               previous.lexical.analysed if same else None)
    accent_texts = tuple(text for r in records for text in r.all_texts())
    accents = previous.accents if previous is not None and previous.accent_texts == accent_texts \
        else AccentRestorer(accent_texts)
    return LoadedIndex(
        path=build,
        manifest=manifest,
        records=records,
        by_id=_by_id(records),
        passage_owner=np.asarray(passages["owner"], dtype=np.int32),
        vectors=faiss.read_index(str(build / "vectors.faiss")),
        lexical=lexical,
        off_topic=np.load(build / "off_topic.npy"),
        accents=accents,
        accent_texts=accent_texts,
    )
