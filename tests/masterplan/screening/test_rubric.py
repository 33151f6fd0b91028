"""The screening rubric and the reference library as pure functions."""

from __future__ import annotations

import pytest

from domstadt.masterplan.screening import library
from domstadt.masterplan.screening.rubric import (
    RISK,
    InputProblem,
    ScreeningInput,
    evaluate,
    level_for,
)


@pytest.mark.parametrize(
    ("raw", "mitigation", "level"),
    [(25, 0, "I"), (26, 0, "II"), (50, 0, "II"), (51, 0, "III"), (75, 0, "III"), (76, 0, "IV"),
     (58, 80, "II"), (58, 79, "III"), (100, 100, "IV")],
)  # fmt: skip
def test_levels_follow_the_aia_thresholds_and_mitigation_rule(
    raw: int, mitigation: int, level: str
) -> None:
    assert level_for(raw, 100, mitigation, 100)[1] == level


def test_every_score_names_its_criterion() -> None:
    result = evaluate(
        ScreeningInput(
            potential={"repetitiveness": 4, "case_volume": 4, "clear_rules": 2},
            risk={"automation": "assist", "personal_data": "yes"},
            mitigation=["audit_trail"],
            task="nlp",
        )
    )
    assert result.potential == 15 + 15 + 7.5
    parts = {p.key: p for p in result.potential_parts}
    assert parts["clear_rules"].answer == "2 von 4" and parts["clear_rules"].points == 7.5
    risk = {p.key: p for p in result.risk_parts}
    assert risk["automation"].points == 2 and risk["automation"].source == "AIA impact30"
    assert result.risk_max == sum(max(o[2] for o in opts) for *_, opts in RISK)
    assert result.technique.startswith("Sprachverarbeitung")
    assert result.ai_act_tier == "minimales Risiko"


def test_hard_stop_and_high_risk_area() -> None:
    stop = evaluate(ScreeningInput(hard_stops=["social_scoring"], potential={"case_volume": 4}))
    assert stop.ai_act_tier == "verboten" and "Art. 5" in stop.ai_act_reason
    assert stop.recommendation.startswith("Nicht weiterverfolgen")
    automated = evaluate(ScreeningInput(hard_stops=["fully_automated_decision"]))
    assert automated.ai_act_tier != "verboten" and automated.hard_stops[0].source.startswith(
        "§ 35a"
    )
    high = evaluate(ScreeningInput(high_risk_area="public_benefits", interacts_with_people=True))
    assert high.ai_act_tier == "hohes Risiko"
    with pytest.raises(InputProblem) as problem:
        evaluate(ScreeningInput(risk={"automation": "sometimes"}))
    assert problem.value.field == "risk.automation"


def test_reference_library_is_large_varied_and_searchable() -> None:
    cases = library.cases()
    assert len(cases) >= 40
    assert len({c.technique for c in cases}) >= 8 and len({c.place for c in cases}) >= 20
    assert all(c.title and c.description and c.outcome and c.domain for c in cases)
    best = library.most_similar(
        "Ein Chatbot beantwortet Fragen der Bürger zu Terminen im Bürgeramt"
    )
    assert "Chatbot" in best[0].case.title or "Telefon" in best[0].case.title
    technique = library.technique_from(best)
    assert technique is not None and "Referenzfällen" in technique[1]
