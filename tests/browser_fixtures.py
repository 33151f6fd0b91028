"""The one Chromium of a test session (Playwright's sync API, Debian's chromium), shared by the
browser journeys in tests/e2e and the catalogue's map and chart test: Playwright's sync API
cannot be started a second time while it runs, so every browser test uses this fixture."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

import pytest

from tests.e2e.support import CHROMIUM_ARGS, CHROMIUM_SKIP_REASON, find_chromium

if TYPE_CHECKING:
    from playwright.sync_api import Browser


@pytest.fixture(scope="session")
def chromium_executable() -> str:
    found = find_chromium()
    if found is None:
        pytest.skip(CHROMIUM_SKIP_REASON)
    return found


@pytest.fixture(scope="session")
def browser(chromium_executable: str) -> Iterator[Browser]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path=chromium_executable, headless=True, args=CHROMIUM_ARGS
        )
        try:
            yield launched
        finally:
            launched.close()
