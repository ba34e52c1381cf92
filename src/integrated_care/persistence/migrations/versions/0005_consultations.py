"""Consultations and cross-body workflows (HWB opinions, sign-offs).

Responses and plan steps are append-only: triggers refuse UPDATE and DELETE (and, on
PostgreSQL, TRUNCATE), as for the membership history in 0001/0002.

Revision ID: 0005
Revises: 0004
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from integrated_care.persistence.types import UtcDateTime

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

APPEND_ONLY = ("consultation_responses", "plan_steps")


def upgrade() -> None:
    op.create_table(
        "consultations",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("system_code", sa.String(10), sa.ForeignKey("systems.code"), nullable=False),
        sa.Column("code", sa.String(60), nullable=False),
        sa.Column("title", sa.String(300), nullable=False),
        sa.Column("owner_code", sa.String(40), nullable=False),
        sa.Column("owner_name", sa.String(200), nullable=False),
        sa.Column("opens", sa.Date, nullable=False),
        sa.Column("closes", sa.Date, nullable=False),
        sa.Column("description", sa.Text),
        sa.Column("created_at", UtcDateTime(), nullable=False),
        sa.Column("created_by", sa.String(80), nullable=False),
        sa.UniqueConstraint("system_code", "code"),
        sa.CheckConstraint("closes >= opens", name="ck_consultations_dates_forward"),
    )
    op.create_table(
        "consultation_questions",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("consultation_id", sa.Integer, sa.ForeignKey("consultations.id"), nullable=False),
        sa.Column("number", sa.Integer, nullable=False),
        sa.Column("text", sa.Text, nullable=False),
        sa.UniqueConstraint("consultation_id", "number"),
        sa.CheckConstraint("number >= 1", name="ck_consultation_questions_number"),
    )
    op.create_table(
        "consultation_respondents",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("consultation_id", sa.Integer, sa.ForeignKey("consultations.id"), nullable=False),
        sa.Column("organisation_code", sa.String(40), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("kind", sa.String(80), nullable=False),
        sa.Column("external", sa.Boolean, nullable=False),
        sa.Column("gss_code", sa.String(9)),
        sa.Column("ods_code", sa.String(10)),
        sa.UniqueConstraint("consultation_id", "organisation_code"),
    )
    op.create_table(
        "consultation_responses",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("consultation_id", sa.Integer, sa.ForeignKey("consultations.id"), nullable=False),
        sa.Column(
            "question_id",
            sa.Integer,
            sa.ForeignKey("consultation_questions.id"),
            nullable=False,
        ),
        sa.Column(
            "respondent_id",
            sa.Integer,
            sa.ForeignKey("consultation_respondents.id"),
            nullable=False,
        ),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("stance", sa.String(10), nullable=False),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("responded_on", sa.Date, nullable=False),
        sa.Column("recorded_at", UtcDateTime(), nullable=False),
        sa.Column("recorded_by", sa.String(80), nullable=False),
        sa.Column("register_entry", sa.Integer),
        sa.UniqueConstraint("question_id", "respondent_id", "version"),
        sa.CheckConstraint(
            "stance IN ('agree', 'disagree', 'neutral')", name="ck_consultation_responses_stance"
        ),
        sa.CheckConstraint("version >= 1", name="ck_consultation_responses_version"),
    )
    op.create_index(
        "ix_consultation_responses_consultation", "consultation_responses", ["consultation_id"]
    )
    op.create_table(
        "plans",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("system_code", sa.String(10), sa.ForeignKey("systems.code"), nullable=False),
        sa.Column("code", sa.String(60), nullable=False),
        sa.Column("kind", sa.String(40), nullable=False),
        sa.Column("year", sa.Integer, nullable=False),
        sa.Column("title", sa.String(300), nullable=False),
        sa.Column("area_code", sa.String(40)),
        sa.Column("icb_code", sa.String(40), nullable=False),
        sa.Column("icb_name", sa.String(200), nullable=False),
        sa.Column("hwbs", sa.JSON, nullable=False),
        sa.Column("created_at", UtcDateTime(), nullable=False),
        sa.Column("created_by", sa.String(80), nullable=False),
        sa.UniqueConstraint("system_code", "code"),
    )
    op.create_table(
        "plan_steps",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("plan_id", sa.Integer, sa.ForeignKey("plans.id"), nullable=False),
        sa.Column("step", sa.String(20), nullable=False),
        sa.Column("party_code", sa.String(40), nullable=False),
        sa.Column("party_name", sa.String(200), nullable=False),
        sa.Column("on_date", sa.Date, nullable=False),
        sa.Column("statement", sa.Text, nullable=False),
        sa.Column("decision_ref", sa.String(80)),
        sa.Column("recorded_at", UtcDateTime(), nullable=False),
        sa.Column("recorded_by", sa.String(80), nullable=False),
        sa.Column("register_entry", sa.Integer),
        sa.CheckConstraint(
            "step IN ('hwb opinion', 'sign-off', 'local agreement', 'approval')",
            name="ck_plan_steps_step",
        ),
    )
    op.create_index("ix_plan_steps_plan_id", "plan_steps", ["plan_id"])
    op.create_table(
        "plan_gates",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("system_code", sa.String(10), sa.ForeignKey("systems.code"), nullable=False),
        sa.Column("code", sa.String(60), nullable=False),
        sa.Column("plan_kind", sa.String(40), nullable=False),
        sa.Column("party_code", sa.String(40), nullable=False),
        sa.Column("party_name", sa.String(200), nullable=False),
        sa.Column("area_code", sa.String(40)),
        sa.Column("description", sa.Text, nullable=False),
        sa.Column("created_at", UtcDateTime(), nullable=False),
        sa.Column("created_by", sa.String(80), nullable=False),
        sa.UniqueConstraint("system_code", "code"),
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
        "plan_gates",
        "plan_steps",
        "plans",
        "consultation_responses",
        "consultation_respondents",
        "consultation_questions",
        "consultations",
    ):
        op.drop_table(table)
