"""Run the fuzz stage (tests/fuzz) longer than the test suite does, e.g. before a release:

    python scripts/fuzz.py --examples 5000             # a new random seed, printed first
    python scripts/fuzz.py --examples 500 --seed 42 -k ckan
    python scripts/fuzz.py --examples 2000 tests/fuzz/test_standard_apis.py

Every example that gets a 5xx fails with the seed that reproduces it; rerun with that seed
(and the same examples count) to see it again. Extra arguments go to pytest. Set
DOMSTADT_TEST_DATABASE_URL to fuzz PostgreSQL as well (docs/testing.md).
"""

from __future__ import annotations

import argparse
import os
import random
import sys

import pytest


def main() -> int:
    """Parse the bounds, export them for tests/fuzz/conftest.py and run pytest."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--examples", type=int, default=5000, help="examples per target")
    parser.add_argument("--seed", type=int, default=None, help="default: a new random seed")
    args, rest = parser.parse_known_args()
    seed = args.seed if args.seed is not None else random.SystemRandom().randrange(2**32)
    os.environ["DOMSTADT_FUZZ_EXAMPLES"] = str(args.examples)
    os.environ["DOMSTADT_FUZZ_SEED"] = str(seed)
    print(f"Fuzzing with DOMSTADT_FUZZ_SEED={seed}, {args.examples} examples per target")
    targets = [] if any(arg.startswith("tests/") for arg in rest) else ["tests/fuzz"]
    return int(pytest.main([*targets, "-p", "no:cacheprovider", *rest]))


if __name__ == "__main__":
    sys.exit(main())
