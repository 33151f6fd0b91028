"""Sign-in sessions live on the server: signing out, ending a session on /konto and changing
the password make a copied cookie worthless; a new token's secret never enters the cookie."""

from __future__ import annotations

import base64
import json

import pytest
from itsdangerous import TimestampSigner
from starlette.testclient import TestClient

from domstadt.core.db import Database
from domstadt.web.app import SESSION_COOKIE
from tests.conftest import PASSWORD, TEST_SECRET, csrf_of, login, make_user

NEW_PASSWORD = "a much longer new passphrase"


def _signed_in_cookie(client: TestClient, email: str = "ada@example.org") -> str:
    """Sign in afresh (dropping earlier cookies) and return the session cookie's value."""
    client.cookies.clear()
    login(client, email)
    return str(client.cookies[SESSION_COOKIE])


def _me_with(client: TestClient, cookie: str) -> int:
    """The status of /api/v1/me for a request carrying exactly this session cookie."""
    jar = dict(client.cookies)
    client.cookies.clear()
    client.cookies[SESSION_COOKIE] = cookie
    try:
        return client.get("/api/v1/me").status_code
    finally:
        client.cookies.clear()
        client.cookies.update(jar)


def _cookie_payload(value: str) -> dict[str, object]:
    """The JSON a Starlette session cookie carries (signed, not encrypted)."""
    data = value.split(".", 1)[0]
    return dict(json.loads(base64.b64decode(data + "=" * (-len(data) % 4))))


def test_logout_ends_the_session_for_every_copy_of_the_cookie(
    client: TestClient, db: Database
) -> None:
    make_user(db, "ada@example.org")
    cookie = _signed_in_cookie(client)
    assert _me_with(client, cookie) == 200
    client.post("/logout", data={"csrf_token": csrf_of(client)}, follow_redirects=False)
    assert client.get("/api/v1/me").status_code == 401
    assert _me_with(client, cookie) == 401  # the old cookie replayed


def test_owner_ends_another_session_on_the_account_page(client: TestClient, db: Database) -> None:
    make_user(db, "ada@example.org")
    laptop = _signed_in_cookie(client)
    phone = _signed_in_cookie(client)
    page = client.get("/konto")
    assert page.text.count("/beenden") == 1 and "diese Sitzung" in page.text
    listed = client.get("/api/v1/sessions").json()
    assert [s["current"] for s in listed] == [True, False]
    other = listed[1]["id"]
    client.post(f"/konto/sitzungen/{other}/beenden", data={"csrf_token": csrf_of(client, "/konto")})
    assert _me_with(client, laptop) == 401
    assert _me_with(client, phone) == 200
    assert [s["current"] for s in client.get("/api/v1/sessions").json()] == [True]


def test_password_change_ends_every_other_session(client: TestClient, db: Database) -> None:
    make_user(db, "ada@example.org")
    laptop = _signed_in_cookie(client)
    phone = _signed_in_cookie(client)
    token = csrf_of(client, "/konto")
    wrong = client.post(
        "/konto/passwort",
        data={"csrf_token": token, "current_password": "not it", "new_password": NEW_PASSWORD},
    )
    assert wrong.status_code == 422 and "bisherige Passwort stimmt nicht" in wrong.text
    assert _me_with(client, laptop) == 200
    done = client.post(
        "/konto/passwort",
        data={"csrf_token": token, "current_password": PASSWORD, "new_password": NEW_PASSWORD},
    )
    assert done.status_code == 200 and "1 andere Sitzungen wurden beendet" in done.text
    assert _me_with(client, laptop) == 401
    assert _me_with(client, phone) == 200
    client.cookies.clear()
    login(client, "ada@example.org", NEW_PASSWORD)


def test_new_token_is_shown_once_and_never_put_in_the_cookie(
    client: TestClient, db: Database
) -> None:
    make_user(db, "ada@example.org")
    login(client, "ada@example.org")
    created = client.post(
        "/konto/tokens",
        data={"name": "Laptop", "csrf_token": csrf_of(client, "/konto")},
        follow_redirects=False,
    )
    assert created.status_code == 200 and created.headers["cache-control"] == "no-store"
    secret = created.text.split('<code class="token">', 1)[1].split("<", 1)[0]
    assert secret.startswith("dst_")
    cookie = str(client.cookies[SESSION_COOKIE])
    assert secret not in json.dumps(_cookie_payload(cookie))
    assert secret not in created.headers.get("set-cookie", "")
    assert secret not in client.get("/konto").text
    assert (
        client.get("/api/v1/me", headers={"Authorization": f"Bearer {secret}"}).status_code == 200
    )


def _signed(payload: dict[str, object]) -> str:
    """A session cookie as the app would sign it (tests know the secret key)."""
    data = base64.b64encode(json.dumps(payload).encode())
    return TimestampSigner(TEST_SECRET).sign(data).decode()


@pytest.mark.parametrize("extra", [{}, {"sid": "guessed"}, {"sid": 5}])
def test_a_signed_cookie_without_a_live_session_signs_nobody_in(
    client: TestClient, db: Database, extra: dict[str, object]
) -> None:
    """A user id alone (cookies from before server-side sessions, or from a leaked secret key)
    or with an unknown key is no sign-in."""
    ada = make_user(db, "ada@example.org")
    assert _me_with(client, _signed({"uid": ada.id, **extra})) == 401
    assert "sid" in _cookie_payload(_signed_in_cookie(client))  # what a real sign-in carries
