"""Accounts, sign-in, tokens and permissions through the service layer, on both databases."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from domstadt.core.audit import AuditEntry
from domstadt.core.auth import directory_service as directory
from domstadt.core.auth import service as auth
from domstadt.core.auth.models import DepartmentKind, Role, User
from domstadt.core.auth.permissions import ANONYMOUS, Actor, system_actor
from domstadt.core.auth.schemas import DepartmentCreate, UserCreate
from domstadt.core.db import Database
from domstadt.core.errors import (
    Conflict,
    Forbidden,
    Invalid,
    TooManyRequests,
    Unauthenticated,
)
from tests.conftest import PASSWORD, make_token, make_user


def _departments(db: Database, system: Actor) -> None:
    with db.session() as s:
        directory.department_create(
            s,
            actor=system,
            data=DepartmentCreate(code="I", name="Dezernat I", kind=DepartmentKind.DEZERNAT),
        )
        directory.department_create(
            s,
            actor=system,
            data=DepartmentCreate(
                code="12",
                name="Amt für Informationsverarbeitung",
                kind=DepartmentKind.AMT,
                parent_code="I",
            ),
        )
        directory.department_create(
            s,
            actor=system,
            data=DepartmentCreate(code="VI", name="Dezernat VI", kind=DepartmentKind.DEZERNAT),
        )


def _count(db: Database, model: type) -> int:
    with db.session() as s:
        return s.scalar(select(func.count()).select_from(model)) or 0


def test_user_create_hashes_password_and_audits(db: Database) -> None:
    user = make_user(db, "Ada@Example.org", Role.ADMIN)
    assert user.email == "ada@example.org"
    with db.session() as s:
        row = s.get(User, user.id)
        assert row is not None and row.password_hash.startswith("$argon2id$")
        entry = s.scalars(select(AuditEntry)).one()
    assert (entry.action, entry.entity_type, entry.entity_id) == (
        "user.create",
        "user",
        str(user.id),
    )
    assert entry.after["email"] == "ada@example.org"
    assert "password" not in str(entry.after)


def test_duplicate_email_is_a_conflict_and_writes_nothing(db: Database) -> None:
    make_user(db, "ada@example.org")
    before = _count(db, AuditEntry)
    with pytest.raises(Conflict, match="bereits ein Konto"):
        make_user(db, "ADA@example.org")
    assert _count(db, User) == 1 and _count(db, AuditEntry) == before


def test_editor_needs_a_known_department(db: Database, system: Actor) -> None:
    with pytest.raises(Invalid) as missing:
        make_user(db, "ed@example.org", Role.EDITOR)
    assert missing.value.field == "department_code"
    with pytest.raises(Invalid, match="Unbekannte Dienststelle 'XX'"):
        make_user(db, "ed@example.org", Role.EDITOR, department_code="XX")
    assert _count(db, User) == 0


def test_short_password_is_rejected_by_schema() -> None:
    with pytest.raises(ValueError, match="at least 12"):
        UserCreate(email="a@example.org", name="A", password="short")


def test_members_cannot_create_accounts(db: Database) -> None:
    member = make_user(db, "m@example.org")
    with db.session() as s:
        actor = auth.actor_for_user(s, actor=system_actor(), user_id=member.id)
        assert actor is not None
        with pytest.raises(Forbidden):
            auth.user_create(
                s, actor=actor, data=UserCreate(email="x@example.org", name="X", password=PASSWORD)
            )
    with db.session() as s, pytest.raises(Unauthenticated):
        auth.user_me(s, actor=ANONYMOUS)


def test_authenticate_same_message_for_unknown_and_wrong(db: Database) -> None:
    make_user(db, "ada@example.org")
    with db.session() as s:
        assert (
            auth.authenticate(
                s, email=" ADA@example.org ", password=PASSWORD, client="1.2.3.4"
            ).user.email
            == "ada@example.org"
        )
    messages = []
    for email, pw in (("ada@example.org", "wrong password!"), ("nobody@example.org", PASSWORD)):
        with db.session() as s, pytest.raises(Unauthenticated) as exc:
            auth.authenticate(s, email=email, password=pw, client="1.2.3.5")
        messages.append(exc.value.message)
    assert messages[0] == messages[1] == auth.LOGIN_FAILED


@pytest.mark.parametrize("email", ["ada@example.org", "ghost@example.org"])
def test_brute_force_locks_the_source_not_the_account(db: Database, email: str) -> None:
    make_user(db, "ada@example.org")
    for attempt in range(5):  # five addresses, one guess each: no lock anywhere
        with db.session() as s, pytest.raises(Unauthenticated):
            auth.authenticate(
                s, email=email, password=f"guess {attempt}", client=f"10.0.0.{attempt}"
            )
    for attempt in range(4):  # one more address guesses until its pair is locked
        with db.session() as s, pytest.raises(Unauthenticated):
            auth.authenticate(s, email=email, password=f"again {attempt}", client="10.0.0.0")
    with db.session() as s, pytest.raises(TooManyRequests, match="Minuten"):
        auth.authenticate(s, email=email, password=PASSWORD, client="10.0.0.0")
    with db.session() as s:  # the account itself is only slowed down, for known and unknown
        assert auth.sign_in_delay(s, email=email, client="10.9.9.9") > 0
    if email == "ghost@example.org":
        return
    with db.session() as s:  # the owner elsewhere signs in
        assert auth.authenticate(s, email=email, password=PASSWORD, client="10.0.1.1").user.id


def test_tokens_resolve_revoke_and_basic(db: Database) -> None:
    make_user(db, "ada@example.org")
    token = make_token(db, "ada@example.org")
    with db.session() as s:
        actor = auth.actor_for_token(s, token=token)
        assert actor is not None and actor.email == "ada@example.org" and actor.via == "token"
        assert auth.actor_for_basic(s, email="ada@example.org", token=token) is not None
        assert auth.actor_for_basic(s, email="eve@example.org", token=token) is None
        assert auth.actor_for_token(s, token=token + "x") is None
        listed = auth.token_list(s, actor=actor)
        assert listed[0].last_used_at is not None and listed[0].prefix == token[:8]
        auth.token_revoke(s, actor=actor, token_id=listed[0].id)
    with db.session() as s:
        assert auth.actor_for_token(s, token=token) is None


def test_editor_scope_covers_sub_units_only(db: Database, system: Actor) -> None:
    _departments(db, system)
    editor = make_user(db, "ed@example.org", Role.EDITOR, department_code="I")
    with db.session() as s:
        actor = auth.actor_for_user(s, actor=system, user_id=editor.id)
        assert actor is not None
        codes = {d.id: d.code for d in directory.department_list(s, actor=actor)}
    scoped = {codes[i] for i in actor.department_ids}
    assert scoped == {"I", "12"}
    vi = next(i for i, c in codes.items() if c == "VI")
    assert not actor.can_edit_department(vi)


def test_department_tree_and_unknown_parent(db: Database, system: Actor) -> None:
    _departments(db, system)
    with db.session() as s:
        tree = directory.department_tree(s, actor=ANONYMOUS)
        assert [n.code for n in tree] == ["I", "VI"]
        assert [c.code for c in tree[0].children] == ["12"]
        with pytest.raises(Invalid, match="'ZZ'"):
            directory.department_create(
                s,
                actor=system,
                data=DepartmentCreate(
                    code="99", name="X", kind=DepartmentKind.AMT, parent_code="ZZ"
                ),
            )


def test_organisation_admin_adds_members_others_cannot(db: Database) -> None:
    from domstadt.core.auth.models import OrganisationKind
    from domstadt.core.auth.schemas import OrganisationCreate

    founder = make_user(db, "founder@example.org")
    outsider = make_user(db, "outsider@example.org")
    make_user(db, "new@example.org")
    with db.session() as s:
        f_actor = auth.actor_for_user(s, actor=system_actor(), user_id=founder.id)
        o_actor = auth.actor_for_user(s, actor=system_actor(), user_id=outsider.id)
        assert f_actor and o_actor
        org = directory.organisation_create(
            s,
            actor=f_actor,
            data=OrganisationCreate(name="Kölner Start-up GmbH", kind=OrganisationKind.STARTUP),
        )
        assert not org.verified and org.member_count == 1
        with pytest.raises(Forbidden):
            directory.organisation_add_member(
                s, actor=o_actor, organisation_id=org.id, email="new@example.org"
            )
        with pytest.raises(Forbidden):
            directory.organisation_verify(s, actor=f_actor, organisation_id=org.id)
        org = directory.organisation_add_member(
            s, actor=f_actor, organisation_id=org.id, email="new@example.org"
        )
        assert org.member_count == 2
