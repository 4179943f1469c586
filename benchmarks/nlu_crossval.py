"""NLU intent quality by k-fold cross-validation (Rasa's own `rasa test nlu --cross-validation`).

    .venv-rasa/bin/python benchmarks/nlu_crossval.py [--folds 3] [--config config.yml]

Trains the pipeline of config.yml on k-1 folds of bot/data/nlu and tests on the held-out
fold, k times (about a minute each here), then prints the weighted and macro intent F1 and
the F1 of each intent, worst first.
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--folds", type=int, default=3)
    parser.add_argument("--config", default="config.yml", help="the pipeline to cross-validate")
    parser.add_argument("--confusions", type=int, default=10, help="print the most frequent confusions")
    args = parser.parse_args()
    env = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3", "SQLALCHEMY_SILENCE_UBER_WARNING": "1"}
    with tempfile.TemporaryDirectory() as out:
        subprocess.run([sys.executable, "-m", "rasa", "test", "nlu", "--cross-validation", "--folds", str(args.folds),
                        "--config", args.config, "--nlu", "bot/data/nlu", "--domain", "bot/domain", "--out", out],
                       cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        report = json.loads((Path(out) / "intent_report.json").read_text(encoding="utf-8"))
        errors_file = Path(out) / "intent_errors.json"
        errors = json.loads(errors_file.read_text(encoding="utf-8")) if errors_file.exists() else []
    print(f"intent F1 ({args.folds}-fold cross-validation): weighted {report['weighted avg']['f1-score']:.3f}, "
          f"macro {report['macro avg']['f1-score']:.3f}, accuracy {report['accuracy']:.3f}")
    intents = {k: v for k, v in report.items() if isinstance(v, dict) and "support" in v and "avg" not in k}
    for name, row in sorted(intents.items(), key=lambda item: item[1]["f1-score"]):
        print(f"  {name:24} F1 {row['f1-score']:.3f}  (n={row['support']})")
    pairs = Counter((e["intent"], e["intent_prediction"]["name"]) for e in errors)
    if pairs and args.confusions:
        print("most frequent confusions (labelled -> predicted):")
        for (labelled, predicted), count in pairs.most_common(args.confusions):
            print(f"  {count:3}  {labelled} -> {predicted}")


if __name__ == "__main__":
    main()
