"""How long a staff edit takes to go live: the whole `python -m knowledge_base build --if-changed`
command (start-up, reading the catalog, the incremental build, the swap), as staff run it.

Works on copies: the shipped catalog and an existing build of it (default var/test-index, which
`make test` keeps; else one is built first, about a minute). Three kinds of edit, each timed
--repeat times: a fee (no embedded text changes: no model is loaded), an alias (one passage to
embed: the model is loaded), and nothing (the command finds the index current).
Usage: .venv-actions/bin/python benchmarks/staff_edit.py [--index-dir var/test-index] [--repeat 3]
"""
from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
RECORD = "procedures/1.001193.yaml"          # Đăng ký khai sinh


def edit_fee(record: dict, n: int) -> None:
    record["notes"] = f"{record.get('notes') or ''} (ghi chú thử {n})".strip()


def edit_alias(record: dict, n: int) -> None:
    record["aliases"] = [*(record.get("aliases") or []), f"khai sinh thử nghiệm {n}"]


def timed_build(env: dict[str, str]) -> float:
    start = time.perf_counter()
    subprocess.run([sys.executable, "-m", "knowledge_base", "build", "--if-changed"], cwd=ROOT, env=env,
                   check=True, capture_output=True)
    return time.perf_counter() - start


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--index-dir", type=Path, default=ROOT / "var" / "test-index")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        catalog, index = Path(tmp) / "catalog", Path(tmp) / "index"
        shutil.copytree(ROOT / "knowledge_base" / "catalog", catalog)
        if (args.index_dir / "current").exists():
            shutil.copytree(args.index_dir, index, symlinks=True)
        env = {**os.environ, "PYTHONPATH": str(ROOT), "KB_CATALOG_DIR": str(catalog), "KB_INDEX_DIR": str(index)}
        print(f"first build (once, not timed): {timed_build(env):.1f} s")
        path = catalog / RECORD
        cases = {"fee or text edit (no model)": edit_fee, "alias edit (one passage embedded)": edit_alias,
                 "no change": None}
        for name, edit in cases.items():
            times = []
            for n in range(args.repeat):
                if edit is not None:
                    record = yaml.safe_load(path.read_text(encoding="utf-8"))
                    edit(record, n)
                    path.write_text(yaml.safe_dump(record, allow_unicode=True, sort_keys=False), encoding="utf-8")
                times.append(timed_build(env))
            print(f"{name:36s} median {statistics.median(times):.2f} s, max {max(times):.2f} s "
                  f"({args.repeat} runs)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
