"""The allowed dependency directions between our packages (README, "Architecture"), checked on the
source: every absolute import of one of our packages must be allowed for the importing package."""
from __future__ import annotations

import ast
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

# package -> the packages (or single modules) of ours it may import, besides itself
ALLOWED: dict[str, set[str]] = {
    "privacy": {"envconfig"},
    "envconfig": set(),
    "knowledge_base": {"envconfig"},
    "appdb": {"envconfig", "privacy", "knowledge_base.text"},
    "dossiers": {"appdb", "envconfig", "privacy", "knowledge_base.text"},
    "notifications": {"appdb", "dossiers", "envconfig", "privacy"},
    "actions": {"knowledge_base", "dossiers", "appdb", "notifications", "envconfig", "privacy"},
    "channels": {"privacy", "envconfig"},
    "bot": {"envconfig", "privacy"},
    "scripts": {"envconfig"},
    "workspace": {"appdb", "knowledge_base", "envconfig", "privacy"},
}
OURS = set(ALLOWED) | {"tests", "benchmarks"}


def imports_of(path: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module)
    return {name for name in names if name.split(".")[0] in OURS}


def allowed(package: str, name: str) -> bool:
    return name.split(".")[0] == package or any(name == a or name.startswith(a + ".") for a in ALLOWED[package])


@pytest.mark.parametrize("package", sorted(ALLOWED))
def test_a_package_imports_only_what_the_architecture_allows(package):
    files = sorted((ROOT / package).rglob("*.py"))
    assert files, f"no module found in {package}/"
    wrong = {f"{path.relative_to(ROOT)} imports {name}" for path in files for name in imports_of(path)
             if not allowed(package, name)}
    assert not wrong, "\n".join(sorted(wrong))


def test_the_check_sees_a_forbidden_import(tmp_path):
    module = tmp_path / "m.py"
    module.write_text("from actions.procedures import X\nimport scripts.stack\nfrom privacy import mask\n")
    assert sorted(n for n in imports_of(module) if not allowed("channels", n)) == ["actions.procedures",
                                                                                   "scripts.stack"]


def test_the_action_server_loads_no_staff_only_code():
    """rasa_sdk imports every module of `actions`: the migrations, importers and CLIs stay out of it."""
    probe = ("import importlib, json, pkgutil, sys, actions\n"
             "for m in pkgutil.walk_packages(actions.__path__, 'actions.'): importlib.import_module(m.name)\n"
             "print(json.dumps(sorted(sys.modules)))")
    result = subprocess.run([sys.executable, "-c", probe], cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)},
                            capture_output=True, text=True, timeout=120, check=True)
    loaded = set(json.loads(result.stdout))
    assert "actions.procedures" in loaded and "dossiers.lookup" in loaded
    staff_only = {"alembic", "appdb.migrate", "appdb.reports", "dossiers.cli", "dossiers.importer", "dossiers.demo",
                  "knowledge_base.cli", "knowledge_base.portal_import", "openpyxl", "notifications.cli",
                  "notifications.worker"}
    assert not loaded & staff_only


def test_make_test_runs_every_test_directory():
    """scripts/test.sh names the test directories of each part: a new one must be added there."""
    script = (ROOT / "scripts" / "test.sh").read_text(encoding="utf-8")
    named = set(script.split())
    missing = [f"tests/{d.name}" for d in sorted((ROOT / "tests").iterdir())
               if d.is_dir() and any(d.glob("test_*.py"))
               and f"tests/{d.name}" not in named and not any(n.startswith(f"tests/{d.name}/") for n in named)]
    assert not missing, f"not run by make test (scripts/test.sh): {missing}"
