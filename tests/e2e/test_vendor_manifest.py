"""The committed vendor files match MANIFEST.json and the pins (offline; no browser needed)."""

from __future__ import annotations

import subprocess
import sys

from .support import REPO_ROOT


def test_vendored_files_match_the_manifest() -> None:
    proc = subprocess.run(
        [sys.executable, str(REPO_ROOT / "scripts" / "vendor_static.py"), "--check"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
