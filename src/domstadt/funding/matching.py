"""Which programmes fit a measure (initiative, challenge, organisation), ranked, with reasons.

Pure and in memory: :class:`Index` holds every programme's profile (word stems with TF-IDF
weights, applicants, region, dates) and an inverted index from stem to programmes, so a
query touches only programmes that share a word with it (issue 11: p95 < 150 ms over 10,000
programmes). Words are folded (ä→ae, ß→ss), stop words dropped, cut to their first six
letters ("Digitalisierung", "digitale", "digital" meet as ``digita``), and a short list of
English words maps to German stems, so English EU calls meet German measures.

score = 0.55 text similarity (cosine) + 0.15 topics + 0.15 eligible applicant + 0.10 region
+ 0.05 deadline still open, for programmes sharing words with the target's text (cosine at
least 0.08; topics alone never make a match). Closed programmes, programmes of another Land
or region and programmes whose applicants exclude the target are left out.
"""

from __future__ import annotations

import datetime as dt
import math
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from domstadt.core.text.normalize import STOPWORDS, fold, words
from domstadt.funding.status import status_on

STEM = 6
MIN_SCORE = 0.3
MIN_TEXT = 0.08
WEIGHTS = {"text": 0.55, "topics": 0.15, "applicant": 0.15, "region": 0.10, "deadline": 0.05}

_ENGLISH = {
    "urban": "stadt", "city": "stadt", "cities": "stadt", "municipal": "kommun",
    "data": "daten", "energy": "energi", "climate": "klima", "health": "gesund",
    "platform": "plattf", "platforms": "plattf", "public": "oeffen",
    "citizens": "buerge", "citizen": "buerge", "transport": "verkeh", "traffic": "verkeh",
    "water": "wasser", "education": "bildun", "skills": "kompet", "security": "sicher",
    "cybersecurity": "cybers", "buildings": "gebaeu", "building": "gebaeu", "green": "gruen",
    "heat": "waerme", "environment": "umwelt", "environmental": "umwelt", "research": "forsch",
    "learning": "lernen", "network": "netzwe", "networks": "netzwe",
    "services": "dienst", "service": "dienst", "sustainable": "nachha", "sustainability": "nachha",
    "participation": "beteil", "artificial": "kuenst", "intelligence": "intell",
    "smart": "smart", "twin": "zwilli", "twins": "zwilli", "air": "luft", "quality": "qualit",
}  # fmt: skip
_LAENDER = (
    "baden", "bayern", "berlin", "brandenburg", "bremen", "hamburg", "hessen", "mecklenburg",
    "niedersachsen", "rheinland", "saarland", "sachsen", "schleswig", "thueringen",
)  # fmt: skip
_HERE = ("nordrhein", "nrw", "koeln", "bundesweit", "deutschland")


def stems(text: str) -> list[str]:
    """The comparable word stems of ``text`` (see the module docstring)."""
    found = []
    for word in words(text):
        if word in STOPWORDS or len(word) < 3 or word.isdigit():
            continue
        folded = fold(word)
        found.append(_ENGLISH.get(folded, folded[:STEM]))
    return found


@dataclass
class Profile:
    """What matching needs of one programme."""

    id: int
    weights: dict[str, float]
    topics: set[str]
    applicants: set[str]
    region_ok: bool
    region_label: str
    level: str
    status_given: str
    call_open: dt.date | None
    call_close: dt.date | None


@dataclass
class Target:
    """What is matched: text, the topic words (fields of action, sectors) and who applies."""

    text: str
    topics: str = ""
    applicant: str = "kommune"


@dataclass
class Match:
    """One fitting programme with its score (0..1) and reasons in German."""

    programme_id: int
    score: float
    reasons: list[str]


def region_fits(level: str, region: str) -> bool:
    """False for a programme limited to another Land (or another city)."""
    folded = fold(region.lower())
    if not folded or level in ("eu", "bund") or any(h in folded for h in _HERE):
        return True
    return not any(land in folded for land in _LAENDER) and level != "kommune"


@dataclass
class Index:
    """Profiles and the inverted index over their stems."""

    profiles: dict[int, Profile] = field(default_factory=dict)
    postings: dict[str, list[tuple[int, float]]] = field(default_factory=dict)
    idf: dict[str, float] = field(default_factory=dict)


def build_index(rows: list[dict[str, object]]) -> Index:
    """An index over programme rows (keys as the model's columns)."""
    counts: dict[int, Counter[str]] = {}
    document_frequency: Counter[str] = Counter()
    index = Index()
    for row in rows:
        topics = " ".join(str(t) for t in row["topics"])  # type: ignore[attr-defined]
        text = f"{row['title']} {row['title']} {topics} {row['description']}"
        counted = Counter(stems(text[:6000]))
        counts[int(row["id"])] = counted  # type: ignore[call-overload]
        document_frequency.update(counted.keys())
        index.profiles[int(row["id"])] = _profile(row)  # type: ignore[call-overload]
    total = max(len(rows), 1)
    index.idf = {s: math.log(1 + total / df) for s, df in document_frequency.items()}
    postings: dict[str, list[tuple[int, float]]] = defaultdict(list)
    for pid, counted in counts.items():
        vector = {s: (1 + math.log(n)) * index.idf[s] for s, n in counted.items()}
        norm = math.sqrt(sum(v * v for v in vector.values())) or 1.0
        for s, v in vector.items():
            postings[s].append((pid, v / norm))
        index.profiles[pid].weights = {s: v / norm for s, v in vector.items()}
    index.postings = dict(postings)
    return index


def _profile(row: dict[str, object]) -> Profile:
    topics = " ".join(str(t) for t in row["topics"])  # type: ignore[attr-defined]
    return Profile(
        id=int(row["id"]),  # type: ignore[call-overload]
        weights={},
        topics=set(stems(topics)),
        applicants={str(a) for a in row["applicants"]},  # type: ignore[attr-defined]
        region_ok=region_fits(str(row["level"]), str(row["region"])),
        region_label=str(row["region"]),
        level=str(row["level"]),
        status_given=str(row["status_given"]),
        call_open=row["call_open"],  # type: ignore[arg-type]
        call_close=row["call_close"],  # type: ignore[arg-type]
    )


def match(index: Index, target: Target, today: dt.date, limit: int = 10) -> list[Match]:
    """The best ``limit`` programmes for ``target`` scoring at least :data:`MIN_SCORE`."""
    similarity: dict[int, float] = defaultdict(float)
    for s, weight in query_vector(index, target).items():
        for pid, pv in index.postings[s]:
            similarity[pid] += weight * pv
    topic_stems = set(stems(target.topics))
    scored = []
    for pid, cosine in similarity.items():
        score = _score(index.profiles[pid], cosine, topic_stems, target, today)
        if score >= MIN_SCORE:
            scored.append((score, pid))
    scored.sort(key=lambda pair: (-pair[0], pair[1]))
    return [
        Match(
            pid,
            round(score, 4),
            _reasons(index.profiles[pid], similarity[pid], topic_stems, target, today),
        )
        for score, pid in scored[:limit]
    ]


def query_vector(index: Index, target: Target) -> dict[str, float]:
    """The target's text as a unit TF-IDF vector over the index's stems."""
    query = Counter(stems(target.text[:20000]))
    vector = {s: (1 + math.log(n)) * index.idf[s] for s, n in query.items() if s in index.idf}
    norm = math.sqrt(sum(v * v for v in vector.values())) or 1.0
    return {s: v / norm for s, v in vector.items()}


def score_one(
    index: Index, target: Target, programme_id: int, today: dt.date,
    vector: dict[str, float] | None = None,
) -> Match | None:  # fmt: skip
    """``target``'s match with one programme (None when it does not fit); ``vector`` is
    :func:`query_vector` when the caller scores many programmes for one target."""
    profile = index.profiles.get(programme_id)
    if profile is None:
        return None
    vector = query_vector(index, target) if vector is None else vector
    cosine = sum(v * profile.weights.get(s, 0.0) for s, v in vector.items())
    topic_stems = set(stems(target.topics))
    score = _score(profile, cosine, topic_stems, target, today)
    if score < MIN_SCORE:
        return None
    reasons = _reasons(profile, cosine, topic_stems, target, today)
    return Match(programme_id, round(score, 4), reasons)


def _score(
    p: Profile, cosine: float, topic_stems: set[str], target: Target, today: dt.date
) -> float:
    """The score, or 0 for a programme the target cannot use."""
    status = status_on(p.status_given, p.call_open, p.call_close, today)
    if status == "closed" or not p.region_ok or cosine < MIN_TEXT:
        return 0.0
    if p.applicants and target.applicant not in p.applicants:
        return 0.0
    shared_topics = topic_stems & (p.topics | p.weights.keys())
    parts = {
        "text": min(cosine * 1.5, 1.0),
        "topics": min(len(shared_topics) / 2, 1.0) if topic_stems else 0.0,
        "applicant": 1.0 if p.applicants else 0.5,
        "region": 1.0 if p.level in ("kommune", "land") else 0.7,
        "deadline": 1.0,
    }
    return sum(WEIGHTS[k] * v for k, v in parts.items())


def _reasons(
    p: Profile, cosine: float, topic_stems: set[str], target: Target, today: dt.date
) -> list[str]:
    status = status_on(p.status_given, p.call_open, p.call_close, today)
    shared = topic_stems & (p.topics | p.weights.keys())
    reasons = []
    if p.applicants:
        who = _APPLICANT_DE.get(target.applicant, target.applicant)
        reasons.append(f"Antragsberechtigt: {who}")
    reasons.append(_region_reason(p))
    if shared:
        words = sorted({_original(target, s) for s in shared})[:5]
        reasons.append(f"Themen: {', '.join(words)}")
    reasons.append(f"Textähnlichkeit {round(cosine * 100)} %")
    reasons.append(_deadline_reason(p, status, today))
    return reasons


_APPLICANT_DE = {
    "kommune": "Kommunen", "kmu": "KMU", "startup": "Start-ups", "forschung": "Forschung",
    "verein": "Vereine", "buerger": "Bürgerinnen und Bürger", "unternehmen": "Unternehmen",
}  # fmt: skip


def _region_reason(p: Profile) -> str:
    if p.level == "eu":
        return "Region: EU-weit"
    if p.level == "bund" and not p.region_label:
        return "Region: bundesweit"
    return f"Region: {p.region_label or 'ohne Einschränkung'}"


def _deadline_reason(p: Profile, status: str, today: dt.date) -> str:
    if p.call_close is None:
        return "Frist: laufend, keine Frist"
    days = (p.call_close - today).days
    if status == "upcoming" and p.call_open:
        return f"Frist: öffnet am {p.call_open:%d.%m.%Y}, Frist {p.call_close:%d.%m.%Y}"
    return f"Frist: noch offen bis {p.call_close:%d.%m.%Y} ({days} Tage)"


def _original(target: Target, stem: str) -> str:
    for word in words(f"{target.topics} {target.text}"):
        if stems(word) == [stem]:
            return word
    return stem
