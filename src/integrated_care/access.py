"""Roles and what each may do: the one place access rules live.

Services call ``require`` before acting, so the CLI, the REST API and the web UI all
enforce the same rules. The CLI acts as the local operator (an admin on their own machine).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from integrated_care.errors import Forbidden


class Role(StrEnum):
    ADMIN = "admin"
    BOARD_SECRETARY = "board_secretary"
    FINANCE = "finance"
    ANALYST = "analyst"
    PARTNER = "partner"
    PUBLIC = "public"


class Permission(StrEnum):
    READ_PUBLIC = "read public information"
    READ_RESTRICTED = "read non-public information"
    READ_AUDIT = "read the audit log"
    MANAGE_STRUCTURE = "change places and organisations"
    MANAGE_MEMBERSHIP = "record membership changes"
    MANAGE_USERS = "manage users"
    MANAGE_CONSULTATIONS = "run consultations"
    RESPOND_TO_CONSULTATION = "respond to a consultation"  # partners: for their own organisation
    RECORD_PLAN_DECISIONS = "record plan opinions, sign-offs and approvals"
    # Governance: secretaries run bodies, seats, meetings, agendas and decisions; a board
    # member casts only their own vote and declares their own interests (the services check
    # the seat is linked to the member's username).
    MANAGE_GOVERNANCE = "manage governance bodies, meetings and decisions"
    CAST_VOTE = "cast a vote on their own seat"
    RECORD_DECLARATION = "declare their own interests"
    # Finance: finance leads post journals, delegate budgets, run pools and record
    # contributions; partners read the pools they belong to (the services filter by
    # organisation).
    POST_FINANCE = "post journals and manage budgets, pools and contributions"


_ALL = frozenset(Permission)
ROLE_PERMISSIONS: dict[Role, frozenset[Permission]] = {
    Role.ADMIN: _ALL,
    # Board secretaries keep the record of who belongs to which partnership body.
    Role.BOARD_SECRETARY: frozenset(
        {
            Permission.READ_PUBLIC,
            Permission.READ_RESTRICTED,
            Permission.MANAGE_MEMBERSHIP,
            Permission.MANAGE_CONSULTATIONS,
            Permission.RESPOND_TO_CONSULTATION,
            Permission.RECORD_PLAN_DECISIONS,
            Permission.MANAGE_GOVERNANCE,
            Permission.CAST_VOTE,
            Permission.RECORD_DECLARATION,
        }
    ),
    Role.FINANCE: frozenset(
        {Permission.READ_PUBLIC, Permission.READ_RESTRICTED, Permission.POST_FINANCE}
    ),
    Role.ANALYST: frozenset(
        {Permission.READ_PUBLIC, Permission.READ_RESTRICTED, Permission.MANAGE_STRUCTURE}
    ),
    Role.PARTNER: frozenset(
        {
            Permission.READ_PUBLIC,
            Permission.READ_RESTRICTED,
            Permission.RESPOND_TO_CONSULTATION,
            Permission.CAST_VOTE,
            Permission.RECORD_DECLARATION,
        }
    ),
    Role.PUBLIC: frozenset({Permission.READ_PUBLIC}),
}


@dataclass(frozen=True, slots=True)
class Actor:
    name: str
    role: Role
    organisation_code: str | None = None

    def can(self, permission: Permission) -> bool:
        return permission in ROLE_PERMISSIONS[self.role]


LOCAL_OPERATOR = Actor("local-operator", Role.ADMIN)
ANONYMOUS = Actor("anonymous", Role.PUBLIC)


def require(actor: Actor, permission: Permission) -> None:
    if not actor.can(permission):
        raise Forbidden(
            f"The {actor.role.value} role may not {permission.value}.",
            input_name="role",
            expected=" or ".join(r.value for r, ps in ROLE_PERMISSIONS.items() if permission in ps),
        )
