"""A staff edit reaches the running bot: rebuild the index, and the next question sees it,
with no restart of either server and no retraining."""
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]


def test_a_new_record_is_answered_right_after_the_index_is_rebuilt(conversation, stack, tmp_path):
    catalog = tmp_path / "catalog"
    shutil.copytree(ROOT / "knowledge_base" / "catalog", catalog)
    record = yaml.safe_load((catalog / "procedures" / "1.001193.yaml").read_text(encoding="utf-8"))
    record.update(id="tn-cap-nhat-nong", national_code=None, name="Thủ tục thử nghiệm cập nhật nóng chatbot",
                  aliases=["thử nghiệm cập nhật nóng"], keywords=["cập nhật nóng"], related=[], portal_url=None,
                  provenance="drafted", former_ids=[], flags=[], source_text={})
    (catalog / "procedures" / "tn-cap-nhat-nong.yaml").write_text(
        yaml.safe_dump(record, allow_unicode=True, sort_keys=False), encoding="utf-8")
    assert "cập nhật nóng" not in conversation.text("thủ tục thử nghiệm cập nhật nóng chatbot")

    env = {**stack.env, "KB_CATALOG_DIR": str(catalog)}
    started = time.monotonic()
    try:
        build = subprocess.run([sys.executable, "-m", "knowledge_base", "build"], cwd=ROOT, env=env,
                               capture_output=True, text=True, timeout=300)
        assert build.returncode == 0, build.stderr[-2000:]
        reply = conversation.say("thủ tục thử nghiệm cập nhật nóng chatbot")
        assert reply[0]["text"].startswith("📋 Thủ tục thử nghiệm cập nhật nóng chatbot")
        print(f"rebuild + first answer: {time.monotonic() - started:.1f} s")
    finally:   # put the shared index back to the real catalog for the tests that follow
        restore = subprocess.run([sys.executable, "-m", "knowledge_base", "build"], cwd=ROOT,
                                 env={**stack.env, "KB_CATALOG_DIR": str(ROOT / "knowledge_base" / "catalog")},
                                 capture_output=True, text=True, timeout=300)
    assert restore.returncode == 0, restore.stderr[-2000:]
