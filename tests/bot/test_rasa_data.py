"""The Rasa project is consistent: `rasa data validate` passes (every name defined once, no conflicts)."""
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_rasa_data_validate_passes():
    result = subprocess.run(
        [sys.executable, "-m", "rasa", "data", "validate", "--config", "../config.yml", "--domain", "domain",
         "--data", "data"],
        cwd=ROOT / "bot", capture_output=True, text=True, timeout=300,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
