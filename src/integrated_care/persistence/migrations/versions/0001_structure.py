"""Structure, membership, users, tokens and the audit log.

Revision ID: 0001
Revises:
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from integrated_care.persistence.types import UtcDateTime

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

# History is append-only: these tables refuse UPDATE and DELETE in the database itself, so
# no code path (or hand-written SQL) can rewrite who was a member when, or erase an audit.
APPEND_ONLY = ("membership_events", "audit_log")


def upgrade() -> None:
    op.create_table(
        "systems",
        sa.Column("code", sa.String(10), primary_key=True),
        sa.Column("gss_code", sa.String(9), nullable=False, unique=True),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("reference_vintage", sa.String(100), nullable=False),
        sa.Column("created_at", UtcDateTime(), nullable=False),
    )
    op.create_table(
        "organisations",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("system_code", sa.String(10), sa.ForeignKey("systems.code"), nullable=False),
        sa.Column("code", sa.String(40), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("kind", sa.String(80), nullable=False),
        sa.Column("ods_code", sa.String(10)),
        sa.Column("gss_code", sa.String(9)),
        sa.Column("parent_code", sa.String(40)),
        sa.UniqueConstraint("system_code", "code"),
    )
    op.create_index("ix_organisations_system_code", "organisations", ["system_code"])
    op.create_table(
        "practices",
        sa.Column("system_code", sa.String(10), sa.ForeignKey("systems.code"), primary_key=True),
        sa.Column("code", sa.String(10), primary_key=True),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("pcn_code", sa.String(10)),
        sa.Column("sub_icb_code", sa.String(10), nullable=False),
        sa.Column("registered_patients", sa.Integer, nullable=False),
        sa.Column("postcode", sa.String(10)),
        sa.CheckConstraint("registered_patients >= 0", name="ck_practices_list_not_negative"),
    )
    op.create_table(
        "places",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("system_code", sa.String(10), sa.ForeignKey("systems.code"), nullable=False),
        sa.Column("code", sa.String(40), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("valid_from", sa.Date, nullable=False),
        sa.Column("valid_to", sa.Date),
        sa.Column("created_at", UtcDateTime(), nullable=False),
        sa.CheckConstraint(
            "valid_to IS NULL OR valid_to > valid_from", name="ck_places_period_forward"
        ),
    )
    op.create_index("ix_places_system_code_code", "places", ["system_code", "code"])
    op.create_table(
        "place_members",
        sa.Column("place_id", sa.Integer, sa.ForeignKey("places.id"), primary_key=True),
        sa.Column("member_kind", sa.String(10), primary_key=True),
        sa.Column("member_code", sa.String(10), primary_key=True),
        sa.Column("basis", sa.Text),
        sa.CheckConstraint(
            "member_kind IN ('practice', 'lad', 'lsoa')", name="ck_place_members_kind"
        ),
    )
    op.create_table(
        "partnership_bodies",
        sa.Column("system_code", sa.String(10), sa.ForeignKey("systems.code"), primary_key=True),
        sa.Column("code", sa.String(40), primary_key=True),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("kind", sa.String(40), nullable=False),
        sa.Column("place_code", sa.String(40)),
    )
    op.create_table(
        "membership_events",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("system_code", sa.String(10), sa.ForeignKey("systems.code"), nullable=False),
        sa.Column("body_code", sa.String(40), nullable=False),
        sa.Column("org_code", sa.String(40), nullable=False),
        sa.Column("action", sa.String(10), nullable=False),
        sa.Column("effective", sa.Date, nullable=False),
        sa.Column("reason", sa.Text),
        sa.Column("planned_end", sa.Date),
        sa.Column("conditions", sa.JSON, nullable=False),
        sa.Column("recorded_at", UtcDateTime(), nullable=False),
        sa.Column("recorded_by", sa.String(80), nullable=False),
        sa.CheckConstraint(
            "action IN ('join', 'suspend', 'rejoin', 'withdraw')",
            name="ck_membership_events_action",
        ),
    )
    op.create_index(
        "ix_membership_events_lookup", "membership_events", ["system_code", "body_code", "org_code"]
    )
    op.create_table(
        "users",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("username", sa.String(80), nullable=False, unique=True),
        sa.Column("password_hash", sa.String(200), nullable=False),
        sa.Column("role", sa.String(40), nullable=False),
        sa.Column("organisation_code", sa.String(40)),
        sa.Column("disabled", sa.Boolean, nullable=False, server_default=sa.false()),
        sa.Column("created_at", UtcDateTime(), nullable=False),
    )
    op.create_table(
        "api_tokens",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("token_hash", sa.String(64), nullable=False, unique=True),
        sa.Column("user_id", sa.Integer, sa.ForeignKey("users.id"), nullable=False),
        sa.Column("created_at", UtcDateTime(), nullable=False),
        sa.Column("expires_at", UtcDateTime(), nullable=False),
        sa.Column("revoked", sa.Boolean, nullable=False, server_default=sa.false()),
    )
    op.create_table(
        "audit_log",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("at", UtcDateTime(), nullable=False),
        sa.Column("actor", sa.String(80), nullable=False),
        sa.Column("role", sa.String(40), nullable=False),
        sa.Column("action", sa.String(10), nullable=False),
        sa.Column("resource", sa.String(300), nullable=False),
        sa.Column("detail", sa.JSON, nullable=False),
        sa.Column("system_code", sa.String(10)),
    )
    _append_only_triggers()


def _append_only_triggers() -> None:
    dialect = op.get_bind().dialect.name
    for table in APPEND_ONLY:
        if dialect == "sqlite":
            for verb in ("UPDATE", "DELETE"):
                op.execute(
                    f"CREATE TRIGGER {table}_no_{verb.lower()} BEFORE {verb} ON {table} "
                    f"BEGIN SELECT RAISE(ABORT, '{table} is append-only'); END"
                )
        elif dialect == "postgresql":
            op.execute(
                f"CREATE FUNCTION {table}_append_only() RETURNS trigger AS $$ BEGIN "
                f"RAISE EXCEPTION '{table} is append-only'; END; $$ LANGUAGE plpgsql"
            )
            op.execute(
                f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
                f"FOR EACH ROW EXECUTE FUNCTION {table}_append_only()"
            )


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    for table in APPEND_ONLY:
        if dialect == "postgresql":
            op.execute(f"DROP TRIGGER IF EXISTS {table}_append_only ON {table}")
            op.execute(f"DROP FUNCTION IF EXISTS {table}_append_only()")
    for table in (
        "audit_log",
        "api_tokens",
        "users",
        "membership_events",
        "partnership_bodies",
        "place_members",
        "places",
        "practices",
        "organisations",
        "systems",
    ):
        op.drop_table(table)
