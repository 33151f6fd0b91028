"""The web shell as a person and an API client meet it: pages, sign-in, tokens, errors."""

from __future__ import annotations

import base64

import pytest
from starlette.testclient import TestClient

from domstadt.core.auth.models import Role
from domstadt.core.config import Settings
from domstadt.core.db import Database
from tests.conftest import PASSWORD, csrf_of, login, make_token, make_user

TOP_PAGES = ["/", "/masterplan", "/beteiligung", "/daten", "/sensoren", "/verwaltung", "/login"]


@pytest.mark.parametrize("path", TOP_PAGES)
def test_top_level_pages_render_in_german(client: TestClient, path: str) -> None:
    response = client.get(path)
    assert response.status_code == 200
    assert '<html lang="de">' in response.text
    assert "<main" in response.text and "<h1>" in response.text
    assert "Beteiligung" in response.text and "Anmelden" in response.text


def test_english_switch_sticks_in_a_cookie(client: TestClient) -> None:
    response = client.get("/?lang=en")
    assert '<html lang="en">' in response.text and "Participation" in response.text
    assert client.get("/masterplan").text.count('lang="en"') >= 1
    assert "Fields of action" in client.get("/masterplan").text
    assert "Handlungsfelder" in client.get("/masterplan?lang=de").text


def test_me_requires_authentication(client: TestClient) -> None:
    response = client.get("/api/v1/me")
    assert response.status_code == 401
    assert "melden Sie sich an" in response.json()["error"]["message"]


def test_me_with_bearer_and_basic_token(client: TestClient, db: Database) -> None:
    make_user(db, "ada@example.org", Role.ADMIN, name="Ada Lovelace")
    token = make_token(db, "ada@example.org")
    me = client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"})
    assert me.status_code == 200 and me.json()["name"] == "Ada Lovelace"
    basic = base64.b64encode(f"ada@example.org:{token}".encode()).decode()
    assert client.get("/api/v1/me", headers={"Authorization": f"Basic {basic}"}).status_code == 200
    bad = client.get("/api/v1/me", headers={"Authorization": "Bearer dst_nope"})
    assert bad.status_code == 401 and "Token" in bad.json()["error"]["message"]


def test_login_session_logout(client: TestClient, db: Database) -> None:
    make_user(db, "ada@example.org", name="Ada Lovelace")
    login(client, "ada@example.org")
    assert "Ada Lovelace" in client.get("/").text
    assert client.get("/api/v1/me").json()["email"] == "ada@example.org"
    response = client.post("/logout", data={"csrf_token": csrf_of(client)}, follow_redirects=False)
    assert response.status_code == 303
    assert client.get("/api/v1/me").status_code == 401


def test_wrong_password_and_unknown_email_look_the_same(client: TestClient, db: Database) -> None:
    make_user(db, "ada@example.org")
    texts = []
    for email, pw in (("ada@example.org", "not the password"), ("nobody@example.org", PASSWORD)):
        token = csrf_of(client, "/login")
        response = client.post("/login", data={"email": email, "password": pw, "csrf_token": token})
        assert response.status_code == 401
        assert "E-Mail-Adresse oder Passwort ist falsch" in response.text
        texts.append(response.text.replace(email, "EMAIL"))
    assert (
        texts[0].split("<main")[1].split('name="csrf_token"')[0]
        == texts[1].split("<main")[1].split('name="csrf_token"')[0]
    )


def test_login_without_csrf_is_refused_and_nothing_changes(
    client: TestClient, db: Database
) -> None:
    make_user(db, "ada@example.org")
    response = client.post("/login", data={"email": "ada@example.org", "password": PASSWORD})
    assert response.status_code == 403 and "CSRF" in response.text
    assert client.get("/api/v1/me").status_code == 401


def test_open_redirect_is_blocked(client: TestClient, db: Database) -> None:
    make_user(db, "ada@example.org")
    token = csrf_of(client, "/login")
    response = client.post(
        "/login",
        data={
            "email": "ada@example.org",
            "password": PASSWORD,
            "csrf_token": token,
            "next": "//evil.example",
        },
        follow_redirects=False,
    )
    assert response.headers["location"] == "/"


def test_account_page_creates_and_revokes_tokens(client: TestClient, db: Database) -> None:
    make_user(db, "ada@example.org")
    assert client.get("/konto", follow_redirects=False).headers["location"].startswith("/login")
    login(client, "ada@example.org")
    client.post("/konto/tokens", data={"name": "Laptop", "csrf_token": csrf_of(client, "/konto")})
    page = client.get("/konto").text
    assert "Laptop" in page and "nur einmal" not in client.get("/konto").text
    tokens = client.get("/api/v1/tokens").json()
    assert [t["name"] for t in tokens] == ["Laptop"]
    client.post(
        f"/konto/tokens/{tokens[0]['id']}/widerrufen",
        data={"csrf_token": csrf_of(client, "/konto")},
    )
    assert client.get("/api/v1/tokens").json()[0]["revoked_at"] is not None


def test_session_api_writes_need_csrf_header(client: TestClient, db: Database) -> None:
    make_user(db, "ada@example.org")
    login(client, "ada@example.org")
    refused = client.post("/api/v1/tokens", json={"name": "cli"})
    assert refused.status_code == 403 and "X-CSRF-Token" in refused.json()["error"]["message"]
    ok = client.post(
        "/api/v1/tokens", json={"name": "cli"}, headers={"X-CSRF-Token": csrf_of(client)}
    )
    assert ok.status_code == 201 and ok.json()["token"].startswith("dst_")


def test_audit_log_is_admin_only(client: TestClient, db: Database) -> None:
    make_user(db, "ada@example.org", Role.ADMIN)
    make_user(db, "max@example.org")
    login(client, "max@example.org")
    assert client.get("/admin/audit").status_code == 403
    assert client.get("/api/v1/audit").status_code == 403
    client.post("/logout", data={"csrf_token": csrf_of(client)})
    login(client, "ada@example.org")
    page = client.get("/admin/audit")
    assert page.status_code == 200 and "user.create" in page.text and "user.login" in page.text
    data = client.get("/api/v1/audit?entity_type=user").json()
    assert data["total"] >= 3 and data["items"][0]["action"] == "user.login"


def test_unknown_route_html_and_json(client: TestClient) -> None:
    page = client.get("/gibt-es-nicht")
    assert page.status_code == 404 and "Diese Seite gibt es nicht" in page.text
    api = client.get("/api/v1/gibt-es-nicht")
    assert api.status_code == 404 and api.json()["error"]["code"] == "http_404"


def test_malformed_json_names_the_problem(client: TestClient, db: Database) -> None:
    make_user(db, "ada@example.org")
    headers = {
        "Authorization": f"Bearer {make_token(db, 'ada@example.org')}",
        "Content-Type": "application/json",
    }
    broken = client.post("/api/v1/tokens", content=b'{"name": ', headers=headers)
    assert broken.status_code == 422 and "JSON" in broken.json()["error"]["message"]
    empty = client.post("/api/v1/tokens", json={"name": ""}, headers=headers)
    assert empty.status_code == 422 and empty.json()["error"]["details"][0]["field"] == "name"
    assert len(client.get("/api/v1/tokens", headers=headers).json()) == 1


def test_oversize_body_is_refused(client: TestClient, settings: object) -> None:
    response = client.post(
        "/api/v1/tokens",
        content=b"x" * (10 * 1024 * 1024 + 1),
        headers={"Content-Type": "application/json"},
    )
    assert response.status_code == 413 and "MB" in response.json()["error"]["message"]


def test_healthz_metrics_openapi(client: TestClient) -> None:
    health = client.get("/healthz").json()
    assert health["status"] == "ok" and health["database"]["ok"] is True
    assert health["text_model"]["name"]
    client.get("/")
    metrics = client.get("/metrics").text
    assert 'domstadt_http_requests_total{method="GET",route="/",status="200"}' in metrics
    spec = client.get("/api/v1/openapi.json").json()
    assert {"/api/v1/me", "/api/v1/tokens", "/api/v1/audit"} <= set(spec["paths"])


def test_departments_and_organisations_twins(client: TestClient, db: Database) -> None:
    from domstadt.core.auth.permissions import system_actor
    from domstadt.demo.core import load

    with db.session() as s:
        load(s, system_actor("tests"))
    tree = client.get("/api/v1/departments").json()
    assert any(d["code"] == "VIII" for d in tree)
    page = client.get("/verwaltung/69")
    assert page.status_code == 200 and "Amt für Verkehrsmanagement" in page.text
    assert client.get("/verwaltung/ZZ").status_code == 404
    orgs = client.get("/api/v1/organisations").json()
    ihk = next(o for o in orgs if o["name"] == "IHK Köln")
    assert ihk["verified"] is True
    assert "IHK Köln" in client.get(f"/beteiligung/organisationen/{ihk['id']}").text


def test_expired_session_sends_back_to_login_with_a_notice(
    client: TestClient, db: Database
) -> None:
    make_user(db, "ada@example.org")
    login(client, "ada@example.org")
    client.cookies.delete("domstadt_session")  # what the browser holds after the session expired
    response = client.get("/konto", follow_redirects=False)
    assert response.status_code == 303 and "expired=1" in response.headers["location"]
    assert "Ihre Sitzung ist abgelaufen" in client.get(response.headers["location"]).text
    client.cookies.clear()
    fresh = client.get("/konto", follow_redirects=False)
    assert "expired" not in fresh.headers["location"]


def test_api_docs_use_vendored_assets_only(client: TestClient) -> None:
    page = client.get("/api/v1/docs").text
    assert "/static/vendor/swagger-ui-dist/swagger-ui-bundle.js" in page
    assert "http" not in page.replace("http-equiv", "")
    assert client.get("/static/vendor/swagger-ui-dist/swagger-ui-bundle.js").status_code == 200
    assert client.get("/static/js/api-docs.js").status_code == 200


def test_csp_allows_only_the_configured_tile_server(
    settings: Settings, db: Database, client: TestClient
) -> None:
    from domstadt.web.app import create_app

    assert "img-src 'self' data:;" in client.get("/").headers["content-security-policy"]
    settings.map_tiles = "https://{s}.tiles.example.org/{z}/{x}/{y}.png"
    with TestClient(create_app(settings, db)) as tiles_client:
        policy = tiles_client.get("/").headers["content-security-policy"]
    assert "img-src 'self' data: https://*.tiles.example.org;" in policy
    assert "script-src 'self'" in policy


def test_input_errors_speak_the_ui_language(client: TestClient, db: Database) -> None:
    make_user(db, "ada@example.org")
    headers = {
        "Authorization": f"Bearer {make_token(db, 'ada@example.org')}",
        "Content-Type": "application/json",
    }
    german = client.post("/api/v1/tokens", json={"name": ""}, headers=headers).json()["error"]
    assert german["details"][0]["message"] == "Bitte mindestens 1 Zeichen."
    broken = client.post("/api/v1/tokens?lang=en", content=b'{"name": ', headers=headers)
    assert "The body is not valid JSON" in broken.json()["error"]["message"]
    too_big = client.post(
        "/api/v1/tokens?lang=en",
        content=b"x" * (10 * 1024 * 1024 + 1),
        headers={"Content-Type": "application/json"},
    )
    assert too_big.status_code == 413
    assert too_big.json()["error"]["message"].startswith("The request is larger than 10 MB")
