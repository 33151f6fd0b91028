"""The screening rubric as pure functions: hard stops, AI potential, risk level, AI Act tier.

Risk is scored in the manner of Canada's Algorithmic Impact Assessment (AIA, Directive on
Automated Decision-Making): each answer adds points; the impact level is I up to 25 % of the
maximum raw risk score, II up to 50 %, III up to 75 %, IV above; when the mitigation score
reaches 80 % of its maximum, the raw risk score is reduced by 15 % first. The questions are a
German selection of the AIA's (their AIA names are kept in ``source``). Every number in the
result names the criterion or answer that produced it.
"""

from __future__ import annotations

from dataclasses import dataclass

from pydantic import BaseModel, ConfigDict, Field

HARD_STOPS: dict[str, tuple[str, str]] = {
    "social_scoring": ("Bewertung des sozialen Verhaltens von Personen (Social Scoring)",
                       "Art. 5 Abs. 1 lit. c KI-Verordnung"),
    "manipulation": ("Manipulation oder Ausnutzen von Schwächen schutzbedürftiger Personen",
                     "Art. 5 Abs. 1 lit. a, b KI-Verordnung"),
    "predictive_policing": ("Vorhersage von Straftaten allein aufgrund von Profiling",
                            "Art. 5 Abs. 1 lit. d KI-Verordnung"),
    "facial_scraping": ("Ungezieltes Sammeln von Gesichtsbildern (Internet, Videoüberwachung)",
                        "Art. 5 Abs. 1 lit. e KI-Verordnung"),
    "emotion_recognition": ("Emotionserkennung am Arbeitsplatz oder in Bildungseinrichtungen",
                            "Art. 5 Abs. 1 lit. f KI-Verordnung"),
    "biometric_categorisation": ("Biometrische Kategorisierung nach sensiblen Merkmalen",
                                 "Art. 5 Abs. 1 lit. g KI-Verordnung"),
    "realtime_biometric_id": ("Biometrische Echtzeit-Fernidentifizierung im öffentlichen Raum",
                              "Art. 5 Abs. 1 lit. h KI-Verordnung"),
    "fully_automated_decision": ("Vollautomatisierter Verwaltungsakt ohne Rechtsgrundlage oder "
                                 "mit Ermessen", "§ 35a VwVfG, Art. 22 DSGVO"),
}  # fmt: skip
"""Key → (what is prohibited, legal basis). Any one stops the AI use."""

PROHIBITED = frozenset(HARD_STOPS) - {"fully_automated_decision"}

POTENTIAL: list[tuple[str, str, int]] = [
    ("repetitiveness", "Wiederkehrende, gleichartige Aufgabe", 15),
    ("case_volume", "Hohe Fallzahl", 15),
    ("clear_rules", "Klare Regeln oder erkennbare Muster", 15),
    ("data_availability", "Daten vorhanden und zugänglich", 15),
    ("data_volume", "Ausreichende Datenmenge", 10),
    ("data_quality", "Gute Datenqualität", 10),
    ("measurable_benefit", "Messbarer Nutzen", 10),
    ("proven_elsewhere", "Anderswo erprobt", 10),
]
"""AI-potential criteria (key, label, weight); each is rated 0–4, weights add up to 100."""

RISK: list[tuple[str, str, str, list[tuple[str, str, int]]]] = [
    ("automation", "impact30", "Art der Automatisierung", [
        ("none", "Keine Entscheidung über Personen (Analyse, Planung)", 0),
        ("assist", "Unterstützt Menschen, die entscheiden", 2),
        ("full", "Entscheidet ohne menschliche Prüfung", 4)]),
    ("discretion", "impact3", "Erfordert die Entscheidung Ermessen oder Urteilsvermögen?", [
        ("no", "Nein", 0), ("yes", "Ja", 4)]),
    ("reversibility", "impact6", "Sind die Folgen umkehrbar?", [
        ("reversible", "Umkehrbar", 1), ("likely", "Wahrscheinlich umkehrbar", 2),
        ("difficult", "Schwer umkehrbar", 3), ("irreversible", "Unumkehrbar", 4)]),
    ("duration", "impact7", "Wie lange wirken die Folgen?", [
        ("brief", "Kurz", 1), ("short", "Wochen", 2), ("long", "Monate bis Jahre", 3),
        ("permanent", "Dauerhaft", 4)]),
    ("rights", "impact9", "Auswirkung auf Rechte und Freiheiten", [
        ("little", "Gering", 1), ("moderate", "Mäßig", 2), ("high", "Hoch", 3),
        ("very_high", "Sehr hoch", 4)]),
    ("health", "impact11", "Auswirkung auf Gesundheit und Wohlergehen", [
        ("little", "Gering", 1), ("moderate", "Mäßig", 2), ("high", "Hoch", 3),
        ("very_high", "Sehr hoch", 4)]),
    ("economic", "impact13", "Auswirkung auf wirtschaftliche Interessen", [
        ("little", "Gering", 1), ("moderate", "Mäßig", 2), ("high", "Hoch", 3),
        ("very_high", "Sehr hoch", 4)]),
    ("personal_data", "aboutDataSource1", "Werden personenbezogene Daten verarbeitet?", [
        ("no", "Nein", 0), ("yes", "Ja", 2)]),
    ("vulnerable_groups", "riskProfile2", "Betrifft es benachteiligte Gruppen?", [
        ("no", "Nein", 0), ("yes", "Ja", 3)]),
    ("scrutiny", "riskProfile1", "Steht das Thema unter besonderer öffentlicher Beobachtung?", [
        ("no", "Nein", 0), ("yes", "Ja", 3)]),
    ("opaque", "aboutAlgorithm2", "Ist das Verfahren schwer zu erklären?", [
        ("no", "Nein", 0), ("yes", "Ja", 3)]),
    ("learns", "aboutAlgorithm8", "Lernt das System im Betrieb weiter?", [
        ("no", "Nein", 0), ("yes", "Ja", 3)]),
    ("connected_devices", "aboutDataSource5", "Nutzt es Daten vernetzter Geräte (Sensoren)?", [
        ("no", "Nein", 0), ("yes", "Ja", 4)]),
]  # fmt: skip
"""Risk questions: (key, AIA source, question, options (value, label, points))."""

MITIGATION: list[tuple[str, str, str, int]] = [
    ("consult_affected", "consultationDesign6", "Betroffene werden beteiligt", 3),
    ("bias_tests", "dataQualityDesign1", "Daten werden dokumentiert auf Verzerrungen geprüft", 3),
    ("data_quality_process", "dataQualityDesign8", "Verfahren gegen veraltete Daten", 2),
    ("audit_trail", "fairnessDesign2", "Jedes Ergebnis wird protokolliert", 2),
    ("override_log", "fairnessDesign4", "Übersteuerungen werden protokolliert", 2),
    ("reasons", "fairnessDesign10", "Das System begründet seine Ergebnisse", 2),
    ("recourse", "fairnessDesign13", "Es gibt ein Widerspruchsverfahren", 2),
    ("fallback", "aboutSystem9", "Es gibt einen Ablauf ohne das System", 2),
    ("privacy_assessment", "privacyDesign1", "Datenschutz-Folgenabschätzung liegt vor", 2),
    ("open_data", "dataQualityDesign10", "Daten werden als Open Data veröffentlicht", 2),
]
"""Mitigation measures: (key, AIA source, label, points when in place)."""

HIGH_RISK_AREAS: dict[str, str] = {
    "public_benefits": "Zugang zu öffentlichen Leistungen (Anhang III Nr. 5)",
    "employment": "Beschäftigung und Personal (Anhang III Nr. 4)",
    "education": "Bildung (Anhang III Nr. 3)",
    "migration": "Migration, Asyl, Grenzkontrolle (Anhang III Nr. 7)",
    "law_enforcement": "Strafverfolgung (Anhang III Nr. 6)",
    "critical_infrastructure": "Kritische Infrastruktur (Anhang III Nr. 2)",
    "biometrics": "Biometrie (Anhang III Nr. 1)",
    "medical_devices": "Medizinprodukt oder dessen Sicherheitsbauteil (Art. 6 Abs. 1, Anhang I)",
}
"""Annex III areas of the EU AI Act that make a system high-risk."""

TECHNIQUES: dict[str, str] = {
    "nlp": "Sprachverarbeitung (Klassifikation, Extraktion)",
    "llm": "Generative Sprachmodelle mit Quellenbindung (RAG)",
    "cv": "Bilderkennung (Computer Vision)",
    "ts": "Zeitreihenprognose",
    "anom": "Anomalieerkennung",
    "opt": "Optimierung und Routenplanung",
    "ocr": "Texterkennung und Formularauslesen (OCR)",
    "rec": "Empfehlung und Zuordnung (Matching)",
    "asr": "Spracherkennung und -synthese",
    "geo": "Geodatenanalyse und Fernerkundung",
}

LEVELS = ("I", "II", "III", "IV")
MITIGATION_SHARE = 0.8
MITIGATION_REDUCTION = 0.15


class ScreeningInput(BaseModel):
    """A reviewer's answers; unanswered risk questions count with their lowest option."""

    model_config = ConfigDict(extra="forbid")

    hard_stops: list[str] = Field(default_factory=list)
    potential: dict[str, int] = Field(default_factory=dict)
    risk: dict[str, str] = Field(default_factory=dict)
    mitigation: list[str] = Field(default_factory=list)
    high_risk_area: str | None = None
    interacts_with_people: bool = False
    generates_content: bool = False
    task: str | None = None


class Part(BaseModel):
    """One line of the result: the criterion, the answer given and the points it produced."""

    key: str
    label: str
    answer: str
    points: float
    max_points: float
    source: str = ""


class Result(BaseModel):
    """The system's proposal."""

    hard_stops: list[Part]
    potential: float
    potential_parts: list[Part]
    risk_raw: int
    risk_max: int
    mitigation: int
    mitigation_max: int
    mitigation_reduced: bool
    risk_score: float
    risk_level: str
    risk_parts: list[Part]
    mitigation_parts: list[Part]
    ai_act_tier: str
    ai_act_reason: str
    technique: str
    technique_reason: str
    recommendation: str


@dataclass(frozen=True)
class InputProblem(Exception):
    """An answer that the rubric does not know; ``field`` names it."""

    field: str
    message: str


def _check(data: ScreeningInput) -> None:
    for key in data.hard_stops:
        if key not in HARD_STOPS:
            raise InputProblem("hard_stops", f"Unbekanntes Ausschlusskriterium '{key}'.")
    weights = {k for k, _, _ in POTENTIAL}
    for key, rating in data.potential.items():
        if key not in weights or not 0 <= rating <= 4:
            raise InputProblem(f"potential.{key}", f"'{key}' muss ein Kriterium mit 0–4 sein.")
    options = {k: {v for v, _, _ in opts} for k, _, _, opts in RISK}
    for key, value in data.risk.items():
        if value not in options.get(key, set()):
            raise InputProblem(f"risk.{key}", f"Unbekannte Antwort '{value}' auf '{key}'.")
    known = {k for k, _, _, _ in MITIGATION}
    for key in data.mitigation:
        if key not in known:
            raise InputProblem("mitigation", f"Unbekannte Schutzmaßnahme '{key}'.")
    if data.high_risk_area and data.high_risk_area not in HIGH_RISK_AREAS:
        raise InputProblem("high_risk_area", f"Unbekannter Bereich '{data.high_risk_area}'.")
    if data.task and data.task not in TECHNIQUES:
        raise InputProblem("task", f"Unbekannte Technik '{data.task}'.")


def _potential(data: ScreeningInput) -> list[Part]:
    return [
        Part(key=key, label=label, answer=f"{data.potential.get(key, 0)} von 4",
             points=weight * data.potential.get(key, 0) / 4, max_points=weight)
        for key, label, weight in POTENTIAL
    ]  # fmt: skip


def _risk(data: ScreeningInput) -> list[Part]:
    parts = []
    for key, source, question, options in RISK:
        chosen = data.risk.get(key, options[0][0])
        _, label, points = next(o for o in options if o[0] == chosen)
        top = max(p for _, _, p in options)
        parts.append(Part(key=key, label=question, answer=label, points=points, max_points=top,
                          source=f"AIA {source}"))  # fmt: skip
    return parts


def _mitigation(data: ScreeningInput) -> list[Part]:
    return [
        Part(key=key, label=label, answer="ja" if key in data.mitigation else "nein",
             points=points if key in data.mitigation else 0, max_points=points,
             source=f"AIA {source}")
        for key, source, label, points in MITIGATION
    ]  # fmt: skip


def level_for(raw: int, maximum: int, mitigation: int, mitigation_max: int) -> tuple[float, str]:
    """(score after mitigation, level I–IV) as the AIA computes them."""
    score = float(raw)
    if mitigation_max and mitigation >= MITIGATION_SHARE * mitigation_max:
        score *= 1 - MITIGATION_REDUCTION
    share = score / maximum if maximum else 0.0
    for limit, level in zip((0.25, 0.5, 0.75), LEVELS, strict=False):
        if share <= limit:
            return score, level
    return score, LEVELS[-1]


def ai_act_tier(data: ScreeningInput) -> tuple[str, str]:
    """The EU AI Act risk tier (a label) and why."""
    prohibited = [k for k in data.hard_stops if k in PROHIBITED]
    if prohibited:
        return "verboten", HARD_STOPS[prohibited[0]][1]
    if data.high_risk_area:
        return "hohes Risiko", HIGH_RISK_AREAS[data.high_risk_area]
    if data.interacts_with_people or data.generates_content:
        return "begrenztes Risiko", "Transparenzpflichten (Art. 50 KI-Verordnung)"
    return "minimales Risiko", "kein Anhang-III-Bereich, keine Interaktion mit Menschen"


def _recommendation(stops: list[Part], potential: float, level: str) -> str:
    if stops:
        return "Nicht weiterverfolgen: ein Ausschlusskriterium ist erfüllt."
    if potential >= 60 and level in ("I", "II"):
        return "KI-Einsatz empfohlen: hohes Potenzial bei beherrschbarem Risiko."
    if potential >= 60:
        return "KI-Einsatz möglich, aber nur mit zusätzlichen Schutzmaßnahmen."
    if potential >= 35:
        return "Pilot prüfen: mittleres Potenzial."
    return "Derzeit kein KI-Einsatz empfohlen: geringes Potenzial."


def evaluate(data: ScreeningInput, technique: tuple[str, str] | None = None) -> Result:
    """Score ``data``; ``technique`` is (label, reason) when the caller derived one elsewhere."""
    _check(data)
    stops = [
        Part(key=k, label=HARD_STOPS[k][0], answer="ja", points=0, max_points=0,
             source=HARD_STOPS[k][1])
        for k in data.hard_stops
    ]  # fmt: skip
    potential_parts, risk_parts = _potential(data), _risk(data)
    mitigation_parts = _mitigation(data)
    raw = int(sum(p.points for p in risk_parts))
    maximum = int(sum(p.max_points for p in risk_parts))
    mitigation = int(sum(p.points for p in mitigation_parts))
    mitigation_max = int(sum(p.max_points for p in mitigation_parts))
    score, level = level_for(raw, maximum, mitigation, mitigation_max)
    potential = round(sum(p.points for p in potential_parts), 1)
    tier, tier_reason = ai_act_tier(data)
    if data.task:
        technique = (TECHNIQUES[data.task], "von der prüfenden Person gewählte Aufgabe")
    technique = technique or ("offen", "keine Aufgabe angegeben, kein ähnlicher Fall")
    return Result(
        hard_stops=stops, potential=potential, potential_parts=potential_parts,
        risk_raw=raw, risk_max=maximum, mitigation=mitigation, mitigation_max=mitigation_max,
        mitigation_reduced=score < raw, risk_score=round(score, 2), risk_level=level,
        risk_parts=risk_parts, mitigation_parts=mitigation_parts, ai_act_tier=tier,
        ai_act_reason=tier_reason, technique=technique[0], technique_reason=technique[1],
        recommendation=_recommendation(stops, potential, level),
    )  # fmt: skip
