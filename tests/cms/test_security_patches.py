"""CI's check that core packages are on the newest patch release of their series."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "bin" / "check-security-patches"


def run(lock: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, str(SCRIPT), str(lock)], capture_output=True, text=True, timeout=300
    )


def test_the_project_lock_passes():
    result = run(ROOT / "requirements.lock")
    assert result.returncode == 0, result.stdout + result.stderr


def test_an_old_patch_release_fails(tmp_path):
    lock = (ROOT / "requirements.lock").read_text()
    pinned = next(line for line in lock.splitlines() if line.startswith("django=="))
    old = tmp_path / "requirements.lock"
    old.write_text(lock.replace(pinned, "django==5.2.1 \\"))
    result = run(old)
    assert result.returncode == 1
    assert "django 5.2.1 <" in result.stderr
