"""Passwords are hashed at argon2id's production cost (the test suite itself hashes cheaply,
see tests/conftest.py): checked in a fresh process, as a server runs."""

from __future__ import annotations

import subprocess
import sys

from argon2 import PasswordHasher, extract_parameters

from domstadt.core.auth import passwords

HASH_IN_A_FRESH_PROCESS = (
    "from domstadt.core.auth import passwords; "
    "print(passwords.hash_password('ein langes Passwort'))"
)


def test_a_server_hashes_at_the_production_cost() -> None:
    done = subprocess.run(
        [sys.executable, "-c", HASH_IN_A_FRESH_PROCESS],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    stored = done.stdout.strip()
    assert stored.startswith("$argon2id$")
    used, default = extract_parameters(stored), PasswordHasher()  # RFC 9106's low-memory profile
    assert (used.time_cost, used.memory_cost, used.parallelism) == (
        default.time_cost,
        default.memory_cost,
        default.parallelism,
    )
    assert used.memory_cost >= 65536  # KiB
    assert passwords.verify_password(stored, "ein langes Passwort")  # and tests can read it
    assert not passwords.verify_password(stored, "ein anderes Passwort")
