from starlette.testclient import TestClient

from domstadt.core.db import Database
from tests.masterplan.conftest import add_measure


def test_smoke(client: TestClient, plan: Database) -> None:
    parent = add_measure(plan, code="P-1", title="Programm digitale Verwaltung", status="in_implementation")
    child = add_measure(plan, code="C-1", title="Online-Antrag Anwohnerparken", parent="P-1", progress=80,
                        kpis=[{"name": "Anträge", "unit": "Stück", "target": 1000, "values": [{"date": "2025-01-01", "value": 10}]}],
                        milestones=[{"title": "Start", "planned_date": "2025-01-01"}])
    r = client.get("/api/v1/measures")
    assert r.status_code == 200, r.text
    print(r.json())
    r = client.get(f"/api/v1/measures/{parent.id}")
    print(r.json()["progress"], r.json()["children"])
    for path in ["/massnahmen", f"/massnahmen/{child.id}", "/masterplan", "/masterplan/dashboard", "/masterplan/budget", "/berichte", "/feeds/measures.atom", "/massnahmen/dienststellen/I", "/massnahmen?q=Anwohnerparken"]:
        r = client.get(path)
        assert r.status_code == 200, (path, r.text[-3000:])
    print(client.get("/massnahmen?q=Anwohnerparken").text.count("mp-code"))
