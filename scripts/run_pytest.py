"""Run the whole pytest suite; exit 0 when pytest collected no tests (its exit code 5).

Says plainly whether the browser tests run (a chromium was found) or are skipped. Without
arguments the suite runs on ``DOMSTADT_TEST_WORKERS`` processes (pytest-xdist; default: 2 on a
machine with two or more cores, 1 otherwise; see tests/parallel.py for what each worker gets)
and ends with the 25 slowest tests, so a CI log shows where its time goes.
"""

from __future__ import annotations

import os
import shutil
import sys

import pytest

NO_TESTS_COLLECTED = 5


def default_arguments() -> list[str]:
    """The whole suite, spread over the workers the machine has."""
    workers = int(os.environ.get("DOMSTADT_TEST_WORKERS") or min(2, os.cpu_count() or 1))
    print(f"Workers: {workers}")
    slowest = ["--durations=25", "--durations-min=1.0"]
    if workers > 1:
        return [*slowest, "-n", str(workers), "--dist", "loadgroup", "tests"]
    return [*slowest, "tests"]


def main() -> int:
    """Run pytest with the given arguments (default: the whole suite)."""
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if chromium:
        print(f"Browser tests: using {chromium}")
    else:
        print("Browser tests: SKIPPED – no chromium found (Debian: apt-get install chromium)")
    if os.environ.get("DOMSTADT_TEST_DATABASE_URL"):
        print("Database tests: SQLite and PostgreSQL")
    else:
        print("Database tests: SQLite only (set DOMSTADT_TEST_DATABASE_URL for PostgreSQL)")
    code = pytest.main(sys.argv[1:] or default_arguments())
    return 0 if code == NO_TESTS_COLLECTED else int(code)


if __name__ == "__main__":
    sys.exit(main())
