"""The upload-memory benchmark keeps working (a small run; the 1 GiB figure is in README.md)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.slow
def test_the_upload_memory_benchmark_runs_and_stays_within_budget():
    proc = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "upload_memory.py"), "--size-mb", "48"],
        capture_output=True,
        text=True,
        timeout=240,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "resumable (8 MiB chunks)" in proc.stdout and "one-shot (multipart)" in proc.stdout
    assert "budget 64 MiB): OK" in proc.stdout
