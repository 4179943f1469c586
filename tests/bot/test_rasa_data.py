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


def test_the_hand_off_reply_states_the_session_timeout_that_resumes_the_bot():
    import yaml

    domain = ROOT / "bot" / "domain"
    minutes = yaml.safe_load((domain / "core.yml").read_text(encoding="utf-8"))["session_config"][
        "session_expiration_time"]
    handoff = yaml.safe_load((domain / "handoff.yml").read_text(encoding="utf-8"))["responses"]["utter_handoff"]
    assert f"sau {minutes} phút" in handoff[0]["text"] and "quay lại trợ lý ảo" in handoff[0]["text"]
