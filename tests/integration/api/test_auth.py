"""Sign-in, tokens (malformed, unknown, expired, revoked), users and the audit log."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import update

from integrated_care.access import Role
from integrated_care.persistence.models import TokenRow, UserRow
from integrated_care.persistence.types import utc_now

PASSWORD = "correct horse battery"
NOT_ADMIN = [r for r in Role if r is not Role.ADMIN]


def test_token_for_right_password_works_as_bearer(api) -> None:
    before = api.counts()
    reply = api.post("/auth/token", {"username": "analyst-user", "password": PASSWORD})
    assert reply.status_code == 200, reply.text
    body = reply.json()
    assert body["token_type"] == "bearer"
    assert body["role"] == "analyst"
    me = api.client.get(
        "/api/v1/auth/me", headers={"Authorization": f"Bearer {body['access_token']}"}
    )
    assert me.json() == {
        "username": "analyst-user",
        "role": "analyst",
        "organisation_code": None,
        "disabled": False,
    }
    after = api.counts()
    assert after["api_tokens"] == before["api_tokens"] + 1
    assert after["audit_log"] == before["audit_log"] + 1  # issuing a token is a write


@pytest.mark.parametrize(
    "credentials",
    [
        {"username": "analyst-user", "password": "wrong password!"},
        {"username": "nobody-here", "password": PASSWORD},
        {"username": "analyst-user", "password": PASSWORD.upper()},
    ],
    ids=["wrong-password", "unknown-user", "password-case"],
)
def test_wrong_credentials_are_401_and_write_nothing(api, credentials) -> None:
    before = api.counts()
    body = api.refused(before, api.post("/auth/token", credentials), 401, "credentials")
    assert body["message"] == "Wrong username or password."  # never says which was wrong


def test_token_request_missing_a_field_is_422_naming_it(api) -> None:
    before = api.counts()
    body = api.refused(before, api.post("/auth/token", {"username": "x"}), 422, "password")
    assert "password" in body["message"]


def test_malformed_authorization_header_is_401(api) -> None:
    before = api.counts()
    for header in ["Basic YWRtaW46cGFzcw==", "Bearer", "Bearer   ", "Token abc", "bearer-abc"]:
        reply = api.client.get("/api/v1/auth/me", headers={"Authorization": header})
        body = api.refused(before, reply, 401, "Authorization")
        assert body["expected"] == "Bearer <token>"


def test_unknown_token_is_401_even_on_public_reads(api) -> None:
    for path in ("/api/v1/auth/me", "/api/v1/system", "/api/v1/bodies", "/api/v1/reference/icbs"):
        reply = api.client.get(path, headers={"Authorization": "Bearer not-a-real-token"})
        assert api.error(reply, 401, "Authorization")["message"] == (
            "The bearer token is not valid."
        )


def test_expired_token_is_401(api) -> None:
    with api.workspace.uow() as uow:
        user = uow.users.by_username("admin-user")
        assert user is not None
        uow.session.execute(
            update(TokenRow)
            .where(TokenRow.user_id == user.id)
            .values(expires_at=utc_now() - timedelta(seconds=1))
        )
        uow.commit()
    reply = api.get("/auth/me", Role.ADMIN)
    assert "expired" in api.error(reply, 401, "Authorization")["message"]


def test_disabled_user_token_is_401(api) -> None:
    with api.workspace.uow() as uow:
        uow.session.execute(
            update(UserRow).where(UserRow.username == "partner-user").values(disabled=True)
        )
        uow.commit()
    api.error(api.get("/auth/me", Role.PARTNER), 401, "Authorization")
    reply = api.post("/auth/token", {"username": "partner-user", "password": PASSWORD})
    api.error(reply, 401, "credentials")


def test_revoke_ends_the_presented_token_only(api) -> None:
    second = api.post("/auth/token", {"username": "finance-user", "password": PASSWORD}).json()
    before = api.counts()
    reply = api.post("/auth/revoke", role=Role.FINANCE)
    assert reply.status_code == 200, reply.text
    assert reply.json() == {"revoked": True}
    assert api.counts()["audit_log"] == before["audit_log"] + 1
    body = api.error(api.get("/auth/me", Role.FINANCE), 401, "Authorization")
    assert "revoked" in body["message"]
    api.error(api.post("/auth/revoke", role=Role.FINANCE), 401, "Authorization")
    other = {"Authorization": f"Bearer {second['access_token']}"}
    assert api.client.get("/api/v1/auth/me", headers=other).status_code == 200
    revoked = [e for e in api.audit() if e["resource"] == "users/finance-user/tokens"]
    assert revoked[0]["detail"] == {"revoked": True}


def test_revoke_and_me_need_a_token(api) -> None:
    before = api.counts()
    api.refused(before, api.post("/auth/revoke"), 401, "Authorization")
    api.refused(before, api.get("/auth/me"), 401, "Authorization")


def test_me_reports_each_role(api) -> None:
    for role in Role:
        reply = api.get("/auth/me", role)
        assert reply.status_code == 200, reply.text
        assert reply.json()["role"] == role.value
        assert reply.json()["username"] == f"{role.value.replace('_', '-')}-user"


def test_only_admin_creates_users(api) -> None:
    new = {"username": "j.smith", "password": PASSWORD, "role": "finance"}
    before = api.counts()
    api.refused(before, api.post("/users", new), 401, "Authorization")
    for role in NOT_ADMIN:
        body = api.refused(before, api.post("/users", new, role), 403, "role")
        assert role.value in body["message"]
    reply = api.post("/users", new | {"organisation_code": "RX1"}, Role.ADMIN)
    assert reply.status_code == 201, reply.text
    assert reply.json() == {
        "username": "j.smith",
        "role": "finance",
        "organisation_code": "RX1",
        "disabled": False,
    }
    assert api.counts()["users"] == before["users"] + 1
    token = api.post("/auth/token", {"username": "j.smith", "password": PASSWORD})
    assert token.json()["role"] == "finance"
    written = [e for e in api.audit() if e["resource"] == "users/j.smith"]
    assert [(e["actor"], e["action"]) for e in written] == [("admin-user", "write")]


@pytest.mark.parametrize(
    ("change", "status", "input_name"),
    [
        ({"password": "short"}, 400, "password"),
        ({"username": "Not Valid!"}, 400, "username"),
        ({"username": "admin-user"}, 409, "username"),
        ({"role": "superuser"}, 422, "role"),
        ({"role": None}, 422, "role"),
        ({"extra": 1}, 422, "extra"),
    ],
    ids=["short-password", "bad-username", "duplicate", "unknown-role", "null-role", "extra"],
)
def test_bad_new_user_is_refused_and_writes_nothing(api, change, status, input_name) -> None:
    new = {"username": "j.smith", "password": PASSWORD, "role": "finance"} | change
    before = api.counts()
    api.refused(before, api.post("/users", new, Role.ADMIN), status, input_name)


def test_only_admin_lists_users_and_the_read_is_audited(api) -> None:
    before = api.counts()
    api.refused(before, api.get("/users"), 401, "Authorization")
    for role in NOT_ADMIN:
        api.refused(before, api.get("/users", role), 403, "role")
    reply = api.get("/users", Role.ADMIN)
    assert reply.status_code == 200, reply.text
    assert {(u["username"], u["role"]) for u in reply.json()} == {
        (f"{r.value.replace('_', '-')}-user", r.value) for r in Role
    }
    assert "password_hash" not in reply.text
    entries = api.audit()
    assert (entries[0]["action"], entries[0]["resource"]) == ("read", "users")


def test_only_admin_reads_the_audit_log_newest_first(api) -> None:
    before = api.counts()
    api.refused(before, api.get("/audit"), 401, "Authorization")
    for role in NOT_ADMIN:
        api.refused(before, api.get("/audit", role), 403, "role")
    reply = api.get("/audit", Role.ADMIN, limit=3)
    assert reply.status_code == 200, reply.text
    entries = reply.json()
    assert len(entries) == 3
    ids = [e["id"] for e in entries]
    assert ids == sorted(ids, reverse=True)
    # The first write of all was initialising the system; it is the oldest entry.
    oldest = api.get("/audit", Role.ADMIN, limit=1000).json()[-1]
    assert (oldest["resource"], oldest["detail"]["use_case"]) == ("systems/QT1", "init")
    # Reading the log is itself recorded.
    latest = api.get("/audit", Role.ADMIN, limit=1).json()[0]
    assert (latest["action"], latest["resource"], latest["actor"]) == (
        "read",
        "audit",
        "admin-user",
    )


def test_bad_audit_limit_is_422_naming_it(api) -> None:
    before = api.counts()
    for limit in ["0", "-1", "1001", "ten", ""]:
        api.refused(before, api.get("/audit", Role.ADMIN, limit=limit), 422, "limit")
