"""Self-service accounts: sign-up with double opt-in through the outbox, no enumeration,
single-use expiring links, throttling, password reset (issue 10)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import update
from starlette.testclient import TestClient

from domstadt.core.auth.models import AccountToken
from domstadt.core.config import Settings
from domstadt.core.db import Database
from tests.conftest import PASSWORD, csrf_of, login, make_user
from tests.mail_outbox import messages_to, newest_to, token_in

NEW = {"email": "neu@example.org", "name": "Neue Person", "password": PASSWORD}


def _signup(client: TestClient, body: dict[str, str] = NEW) -> None:
    answer = client.post("/api/v1/signup", json=body)
    assert answer.status_code == 202, answer.text


def _try_login(client: TestClient, email: str, password: str = PASSWORD) -> int:
    token = csrf_of(client, "/login")
    return client.post(
        "/login",
        data={"email": email, "password": password, "csrf_token": token, "next": "/"},
        follow_redirects=False,
    ).status_code


def test_signup_confirm_then_sign_in(client: TestClient, settings: Settings) -> None:
    _signup(client)
    mail = newest_to(settings, "neu@example.org")
    assert "bestätigen" in mail.subject and "/registrieren/bestaetigen?token=" in mail.body
    refused = client.post(
        "/login",
        data={
            "email": "neu@example.org",
            "password": PASSWORD,
            "next": "/",
            "csrf_token": csrf_of(client, "/login"),
        },
    )
    assert refused.status_code == 401
    assert "noch nicht bestätigt" in refused.text and "/registrieren/erneut-senden" in refused.text
    page = client.get(f"/registrieren/bestaetigen?token={token_in(mail)}")
    assert (page.status_code == 200 and "Bestätigen" in page.text) or "bestätigen" in page.text
    confirmed = client.post(
        "/registrieren/bestaetigen",
        data={"token": token_in(mail), "csrf_token": csrf_of(client, "/registrieren")},
    )
    assert confirmed.status_code == 200 and "bestätigt" in confirmed.text
    login(client, "neu@example.org")
    assert client.get("/api/v1/me").json()["name"] == "Neue Person"


def test_wrong_password_of_unconfirmed_account_says_nothing_about_confirmation(
    client: TestClient,
) -> None:
    _signup(client)
    answer = client.post(
        "/login",
        data={
            "email": "neu@example.org",
            "password": "wrong wrong wrong",
            "next": "/",
            "csrf_token": csrf_of(client, "/login"),
        },
    )
    assert answer.status_code == 401 and "nicht bestätigt" not in answer.text


def test_confirmation_link_is_single_use_and_expires(
    client: TestClient, settings: Settings, db: Database
) -> None:
    _signup(client)
    token = token_in(newest_to(settings, "neu@example.org"))
    assert client.post("/api/v1/signup/confirm", json={"token": token}).status_code == 200
    again = client.post("/api/v1/signup/confirm", json={"token": token})
    assert again.status_code == 422 and "schon benutzt oder abgelaufen" in again.text
    client.post("/api/v1/signup/resend", json={"email": "neu@example.org"})
    assert len(messages_to(settings, "neu@example.org")) == 1  # confirmed: nothing resent

    _signup(client, {**NEW, "email": "spaet@example.org"})
    late = token_in(newest_to(settings, "spaet@example.org"))
    with db.session() as session:
        past = dt.datetime.now(dt.UTC) - dt.timedelta(minutes=1)
        session.execute(update(AccountToken).values(expires_at=past))
    expired = client.post("/api/v1/signup/confirm", json={"token": late})
    assert expired.status_code == 422 and expired.json()["error"]["field"] == "token"
    assert _try_login(client, "spaet@example.org") == 401
    client.post("/api/v1/signup/resend", json={"email": "spaet@example.org"})
    fresh = token_in(newest_to(settings, "spaet@example.org"))
    assert fresh != late
    assert client.post("/api/v1/signup/confirm", json={"token": fresh}).status_code == 200
    assert _try_login(client, "spaet@example.org") == 303


def test_taken_address_gets_the_same_answer_and_its_owner_a_note(
    client: TestClient, settings: Settings, db: Database
) -> None:
    make_user(db, "ada@example.org")
    known = client.post("/api/v1/signup", json={**NEW, "email": "ada@example.org"})
    unknown = client.post("/api/v1/signup", json=NEW)
    assert known.status_code == unknown.status_code == 202
    assert known.content == unknown.content
    note = newest_to(settings, "ada@example.org")
    assert "Jemand wollte sich" in note.subject and "token=" not in note.body
    assert _try_login(client, "ada@example.org") == 303  # old account and password untouched


def test_malformed_address_and_weak_password_name_the_field(client: TestClient) -> None:
    bad_mail = client.post("/api/v1/signup", json={**NEW, "email": "not-an-address"})
    assert bad_mail.status_code == 422
    assert [d["field"] for d in bad_mail.json()["error"]["details"]] == ["email"]
    assert "gültige E-Mail-Adresse" in bad_mail.text
    weak = client.post("/api/v1/signup", json={**NEW, "password": "short"})
    assert weak.status_code == 422 and weak.json()["error"]["details"][0]["field"] == "password"
    assert "12 Zeichen" in weak.text
    page = client.post(
        "/registrieren",
        data={
            "email": "x@",
            "name": " ",
            "password": "aaaaaaaaaaaaaa",
            "csrf_token": csrf_of(client, "/registrieren"),
        },
    )
    assert page.status_code == 422
    assert 'id="email-problem"' in page.text and 'id="name-problem"' in page.text
    assert 'id="password-problem"' in page.text


def test_signup_form_shows_check_your_mailbox(client: TestClient, settings: Settings) -> None:
    answer = client.post(
        "/registrieren",
        data={**NEW, "csrf_token": csrf_of(client, "/registrieren")},
    )
    assert answer.status_code == 200 and 'id="check-mail"' in answer.text
    assert newest_to(settings, "neu@example.org")


def test_signup_is_throttled_per_address_with_retry_after(client: TestClient) -> None:
    for _ in range(5):
        _signup(client)
    refused = client.post("/api/v1/signup", json=NEW)
    assert refused.status_code == 429
    assert int(refused.headers["Retry-After"]) > 0
    assert "Zu viele Anfragen" in refused.json()["error"]["message"]
    _signup(client, {**NEW, "email": "andere@example.org"})  # another address still works


def test_signup_is_throttled_per_client(client: TestClient) -> None:
    for n in range(20):
        _signup(client, {**NEW, "email": f"p{n}@example.org"})
    assert client.post("/api/v1/signup", json=NEW).status_code == 429


def test_password_reset_ends_sessions_and_link_is_single_use(
    client: TestClient, settings: Settings, db: Database
) -> None:
    make_user(db, "ada@example.org")
    login(client, "ada@example.org")
    assert client.get("/api/v1/me").status_code == 200
    signed_in = dict(client.cookies)
    client.cookies.clear()  # the reset is asked for by someone who is not signed in
    known = client.post("/api/v1/password-reset", json={"email": "ada@example.org"})
    unknown = client.post("/api/v1/password-reset", json={"email": "nobody@example.org"})
    assert known.status_code == unknown.status_code == 202 and known.content == unknown.content
    assert messages_to(settings, "nobody@example.org") == []
    token = token_in(newest_to(settings, "ada@example.org"))
    client.cookies.update(signed_in)
    assert client.get("/api/v1/me").status_code == 200
    client.cookies.clear()
    weak = client.post("/api/v1/password-reset/confirm", json={"token": token, "password": "x"})
    assert weak.status_code == 422 and weak.json()["error"]["field"] == "password"
    page = client.post(
        "/passwort-neu",
        data={
            "token": token,
            "password": "eine ganz neue Passphrase",
            "csrf_token": csrf_of(client, f"/passwort-neu?token={token}"),
        },
    )
    assert page.status_code == 200
    client.cookies.clear()
    client.cookies.update(signed_in)
    assert client.get("/api/v1/me").status_code == 401  # the earlier session ended
    client.cookies.clear()
    again = client.post(
        "/api/v1/password-reset/confirm", json={"token": token, "password": "noch eine andere"}
    )
    assert again.status_code == 422
    assert _try_login(client, "ada@example.org") == 401
    assert _try_login(client, "ada@example.org", "eine ganz neue Passphrase") == 303


def test_reset_link_expires(client: TestClient, settings: Settings, db: Database) -> None:
    make_user(db, "ada@example.org")
    client.post(
        "/passwort-vergessen",
        data={"email": "ada@example.org", "csrf_token": csrf_of(client, "/passwort-vergessen")},
    )
    token = token_in(newest_to(settings, "ada@example.org"))
    with db.session() as session:
        session.execute(
            update(AccountToken).values(expires_at=dt.datetime.now(dt.UTC) - dt.timedelta(1))
        )
    late = client.post(
        "/api/v1/password-reset/confirm", json={"token": token, "password": "eine neue Passphrase"}
    )
    assert late.status_code == 422
    assert _try_login(client, "ada@example.org") == 303


def test_cli_created_accounts_count_as_confirmed(client: TestClient, db: Database) -> None:
    make_user(db, "ada@example.org")
    assert _try_login(client, "ada@example.org") == 303
