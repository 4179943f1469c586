"""Retrieval on real citizen questions (knowledge_base/eval/portal/dev.jsonl), beside two floors.

    .venv-actions/bin/python benchmarks/real_questions.py [--index-dir DIR]

Each question counts when one of the procedures the portal linked to it is in the catalog; a
hit is any linked code at rank 1 / within the first 3. Prints three rows:
- the assistant's search (KnowledgeBase.search over the live index: every record, names,
  aliases, keywords, documents, dense + lexical);
- plain BM25 over the official records' names only (diacritics folded, no abbreviation table);
- multilingual-e5-small alone over the official records' names only.
"""
from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from knowledge_base.evaluation import catalog_codes, evaluate_portal, hit_codes, load_portal_questions  # noqa: E402
from knowledge_base.lexical import LexicalIndex  # noqa: E402
from knowledge_base.schema import Procedure  # noqa: E402
from knowledge_base.service import KnowledgeBase  # noqa: E402
from knowledge_base.settings import Settings  # noqa: E402
from knowledge_base.text import Vocabulary  # noqa: E402

NO_VOCABULARY = Vocabulary({}, {}, {})


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--index-dir", type=Path, help="default: KB_INDEX_DIR or var/index")
    args = parser.parse_args()
    if args.index_dir:
        os.environ["KB_INDEX_DIR"] = str(args.index_dir)
    kb = KnowledgeBase(Settings.from_env())
    index = kb.index()
    official = [r for r in index.records if isinstance(r, Procedure) and r.provenance != "drafted" and r.national_code]
    codes = [r.national_code for r in official]
    known = catalog_codes(index.records)
    questions = load_portal_questions()

    def ours(question: str) -> list[str | None]:
        return hit_codes(kb.search(question, top_k=5))

    names = LexicalIndex([r.name for r in official], vocabulary=NO_VOCABULARY)

    def bm25(question: str) -> list[str]:
        scores = names.match(question).scores
        return [codes[i] for i in np.argsort(-scores, kind="stable")[:5] if scores[i] > 0]

    name_vectors = kb.encoder.encode_passages([r.name for r in official])

    def e5(question: str) -> list[str]:
        sims = name_vectors @ kb.encoder.encode_queries([question])[0]
        return [codes[i] for i in np.argsort(-sims, kind="stable")[:5]]

    print(f"catalog: {len(index.records)} records, {len(official)} official; "
          f"{len(questions)} questions, encoder {index.manifest.encoder}")
    for label, rank in (("assistant (hybrid search)", ours), ("BM25, official names only", bm25),
                        ("e5-small, official names only", e5)):
        row = evaluate_portal(questions, rank, known)
        print(f"{label:32} n={row['n']}  hit@1={row['hit@1']:.3f}  hit@3={row['hit@3']:.3f}  mrr={row['mrr']:.3f}")


if __name__ == "__main__":
    main()
