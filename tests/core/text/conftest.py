"""Fixtures of the text-service tests: real embedders loaded once per test session."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from domstadt.core.text import embedders
from domstadt.core.text.embedders import E5Embedder, LexicalEmbedder, e5_cpu_problem


@pytest.fixture(scope="session")
def e5() -> E5Embedder:
    """The real multilingual-e5-small model (skipped, with the reason, on CPUs it cannot use)."""
    problem = e5_cpu_problem()
    if problem:
        pytest.skip(f"e5 cannot run here: {problem}")
    return E5Embedder()


@pytest.fixture
def lexical() -> LexicalEmbedder:
    """The model-free embedder: trigram overlap only."""
    return LexicalEmbedder()


@pytest.fixture
def keep_active_embedder() -> Iterator[None]:
    """Restore the process-wide embedder choice after a test that changes it."""
    saved = embedders._active
    yield
    embedders._active = saved
