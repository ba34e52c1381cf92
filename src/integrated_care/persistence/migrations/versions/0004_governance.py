"""Governance: bodies, seats, rule sets, meetings, interests, proposals, votes, decisions.

Revision ID: 0004
Revises: 0003
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from integrated_care.persistence.types import UtcDateTime

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

# A stored rule-set version, a cast vote and a recorded decision are never rewritten.
APPEND_ONLY = ("gov_rule_sets", "gov_votes", "gov_decisions")


def _system() -> sa.Column[str]:
    return sa.Column("system_code", sa.String(10), sa.ForeignKey("systems.code"), nullable=False)


def _id() -> sa.Column[int]:
    return sa.Column("id", sa.Integer, primary_key=True, autoincrement=True)


def upgrade() -> None:
    op.create_table(
        "gov_bodies",
        _id(),
        _system(),
        sa.Column("code", sa.String(40), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("kind", sa.String(40), nullable=False),
        sa.Column("place_code", sa.String(40)),
        sa.Column("rule_set_name", sa.String(80)),
        sa.Column("rule_set_version", sa.Integer),
        sa.Column("notice_days", sa.Integer, nullable=False),
        sa.Column("recused_count_for_quorum", sa.Boolean),
        sa.Column("local_rules", sa.JSON, nullable=False),
        sa.Column("responsible_authorities", sa.JSON, nullable=False),
        sa.Column("created_at", UtcDateTime(), nullable=False),
        sa.UniqueConstraint("system_code", "code", name="uq_gov_bodies_code"),
        sa.CheckConstraint("notice_days >= 0", name="ck_gov_bodies_notice"),
    )
    op.create_table(
        "gov_seats",
        _id(),
        _system(),
        sa.Column("body_id", sa.Integer, sa.ForeignKey("gov_bodies.id"), nullable=False),
        sa.Column("seat_id", sa.String(60), nullable=False),
        sa.Column("seat_type", sa.String(60), nullable=False),
        sa.Column("title", sa.String(200), nullable=False),
        sa.Column("holder", sa.String(200), nullable=False),
        sa.Column("organisation_code", sa.String(40)),
        sa.Column("classes", sa.JSON, nullable=False),
        sa.Column("voting", sa.Boolean, nullable=False),
        sa.Column("weight", sa.Integer, nullable=False),
        sa.Column("nominated_by", sa.String(40)),
        sa.Column("approved_by", sa.String(40)),
        sa.Column("term_start", sa.Date, nullable=False),
        sa.Column("term_end", sa.Date),
        sa.Column("username", sa.String(80)),
        sa.Column("appointed_at", UtcDateTime(), nullable=False),
        sa.UniqueConstraint("system_code", "seat_id", "term_start", name="uq_gov_seats_term"),
        sa.CheckConstraint("weight >= 0", name="ck_gov_seats_weight"),
        sa.CheckConstraint(
            "term_end IS NULL OR term_end > term_start", name="ck_gov_seats_term_forward"
        ),
    )
    op.create_index("ix_gov_seats_body_id", "gov_seats", ["body_id"])
    op.create_table(
        "gov_rule_sets",
        _id(),
        _system(),
        sa.Column("name", sa.String(80), nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("data", sa.JSON, nullable=False),
        sa.Column("digest", sa.String(64), nullable=False),
        sa.Column("loaded_at", UtcDateTime(), nullable=False),
        sa.Column("loaded_by", sa.String(80), nullable=False),
        sa.UniqueConstraint("system_code", "name", "version", name="uq_gov_rule_sets_version"),
    )
    op.create_table(
        "gov_meetings",
        _id(),
        _system(),
        sa.Column("body_id", sa.Integer, sa.ForeignKey("gov_bodies.id"), nullable=False),
        sa.Column("starts_at", UtcDateTime(), nullable=False),
        sa.Column("location", sa.String(300), nullable=False),
        sa.Column("chair_seat_id", sa.String(60)),
        sa.Column("agenda_published_at", UtcDateTime()),
        sa.Column("clear_days", sa.Integer),
        sa.Column("urgency_reason", sa.Text),
        sa.Column("minutes", sa.Text),
        sa.Column("minutes_approved", sa.Boolean, nullable=False),
        sa.Column("created_at", UtcDateTime(), nullable=False),
    )
    op.create_index("ix_gov_meetings_body_id", "gov_meetings", ["body_id"])
    op.create_table(
        "gov_items",
        _id(),
        sa.Column("meeting_id", sa.Integer, sa.ForeignKey("gov_meetings.id"), nullable=False),
        sa.Column("number", sa.String(20), nullable=False),
        sa.Column("title", sa.String(300), nullable=False),
        sa.Column("public", sa.Boolean, nullable=False),
        sa.Column("exclusion_ground", sa.Text),
        sa.Column("publish_after", sa.Date),
        sa.UniqueConstraint("meeting_id", "number", name="uq_gov_items_number"),
        sa.CheckConstraint(
            "public OR (exclusion_ground IS NOT NULL AND publish_after IS NOT NULL)",
            name="ck_gov_items_private_has_ground",
        ),
    )
    op.create_table(
        "gov_proposals",
        _id(),
        sa.Column(
            "item_id", sa.Integer, sa.ForeignKey("gov_items.id"), nullable=False, unique=True
        ),
        sa.Column("title", sa.String(300), nullable=False),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("decision_type", sa.String(40), nullable=False),
        sa.Column("flags", sa.JSON, nullable=False),
        sa.Column("organisations", sa.JSON, nullable=False),
        sa.Column("topics", sa.JSON, nullable=False),
        sa.Column("status", sa.String(10), nullable=False),
        sa.Column("opened_at", UtcDateTime()),
        # The rule set in force when the vote opened: reassigning the body's rule set
        # later must not change how an open vote is decided.
        sa.Column("rule_set_name", sa.String(80)),
        sa.Column("rule_set_version", sa.Integer),
        sa.CheckConstraint(
            "status IN ('draft', 'open', 'decided')", name="ck_gov_proposals_status"
        ),
    )
    op.create_table(
        "gov_attendance",
        sa.Column("meeting_id", sa.Integer, sa.ForeignKey("gov_meetings.id"), primary_key=True),
        sa.Column("seat_pk", sa.Integer, sa.ForeignKey("gov_seats.id"), primary_key=True),
        sa.Column("status", sa.String(10), nullable=False),
        sa.Column("recorded_at", UtcDateTime(), nullable=False),
        sa.Column("recorded_by", sa.String(80), nullable=False),
        sa.CheckConstraint("status IN ('present', 'apologies')", name="ck_gov_attendance_status"),
    )
    op.create_table(
        "gov_declarations",
        _id(),
        _system(),
        sa.Column("seat_id", sa.String(60)),
        sa.Column("person", sa.String(200)),
        sa.Column("regime", sa.String(20), nullable=False),
        sa.Column("kind", sa.String(80), nullable=False),
        sa.Column("description", sa.Text, nullable=False),
        sa.Column("organisations", sa.JSON, nullable=False),
        sa.Column("topics", sa.JSON, nullable=False),
        sa.Column("valid_from", sa.Date, nullable=False),
        sa.Column("valid_to", sa.Date),
        sa.Column("recorded_at", UtcDateTime(), nullable=False),
        sa.Column("recorded_by", sa.String(80), nullable=False),
        sa.CheckConstraint(
            "seat_id IS NOT NULL OR person IS NOT NULL", name="ck_gov_declarations_who"
        ),
        sa.CheckConstraint(
            "valid_to IS NULL OR valid_to > valid_from", name="ck_gov_declarations_period"
        ),
    )
    op.create_index("ix_gov_declarations_system_code", "gov_declarations", ["system_code"])
    op.create_table(
        "gov_votes",
        _id(),
        sa.Column("proposal_id", sa.Integer, sa.ForeignKey("gov_proposals.id"), nullable=False),
        sa.Column("seat_pk", sa.Integer, sa.ForeignKey("gov_seats.id"), nullable=False),
        sa.Column("choice", sa.String(10), nullable=False),
        sa.Column("cast_at", UtcDateTime(), nullable=False),
        sa.Column("recorded_by", sa.String(80), nullable=False),
        sa.Column("note", sa.Text),
        sa.UniqueConstraint("proposal_id", "seat_pk", name="uq_gov_votes_seat"),
        sa.CheckConstraint("choice IN ('for', 'against', 'abstain')", name="ck_gov_votes_choice"),
    )
    op.create_table(
        "gov_decisions",
        _id(),
        sa.Column(
            "proposal_id",
            sa.Integer,
            sa.ForeignKey("gov_proposals.id"),
            nullable=False,
            unique=True,
        ),
        sa.Column("carried", sa.Boolean, nullable=False),
        sa.Column("quorate", sa.Boolean, nullable=False),
        sa.Column("rule_set", sa.String(80), nullable=False),
        sa.Column("rule_version", sa.Integer, nullable=False),
        sa.Column("rule_id", sa.String(80), nullable=False),
        sa.Column("explanation", sa.Text, nullable=False),
        sa.Column("notes", sa.JSON, nullable=False),
        sa.Column("tally", sa.JSON, nullable=False),
        sa.Column("ballots", sa.JSON, nullable=False),
        sa.Column("decided_at", UtcDateTime(), nullable=False),
        sa.Column("decided_by", sa.String(80), nullable=False),
        sa.Column("register_seq", sa.Integer),
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
            op.execute(
                f"CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table} "
                f"FOR EACH STATEMENT EXECUTE FUNCTION {table}_append_only()"
            )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for table in APPEND_ONLY:
            op.execute(f"DROP TRIGGER IF EXISTS {table}_no_truncate ON {table}")
            op.execute(f"DROP TRIGGER IF EXISTS {table}_append_only ON {table}")
            op.execute(f"DROP FUNCTION IF EXISTS {table}_append_only()")
    for table in (
        "gov_decisions",
        "gov_votes",
        "gov_declarations",
        "gov_attendance",
        "gov_proposals",
        "gov_items",
        "gov_meetings",
        "gov_rule_sets",
        "gov_seats",
        "gov_bodies",
    ):
        op.drop_table(table)
