"""Section 75 pooled budgets, the Better Care Fund and partner contributions to running costs.

Pool entries (contributions, spend, risk-share calls, settlement lines), settlements,
contribution events, running-cost allowances and running-cost plans are append-only in the
database itself (UPDATE and DELETE refused by row triggers on SQLite and PostgreSQL,
TRUNCATE by a statement trigger on PostgreSQL), as 0003 does for the register.

Revision ID: 0008
Revises: 0007
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from integrated_care.persistence.types import UtcDateTime

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

APPEND_ONLY = (
    "fin_pool_entries",
    "fin_pool_settlements",
    "fin_contribution_events",
    "fin_running_cost_allowances",
    "fin_running_cost_plans",
)
ID64 = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def _stamp() -> list[sa.Column[object]]:
    return [
        sa.Column("created_at", UtcDateTime(), nullable=False),
        sa.Column("created_by", sa.String(80), nullable=False),
    ]


def upgrade() -> None:
    op.create_table(
        "fin_pools",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("system_code", sa.String(10), sa.ForeignKey("systems.code"), nullable=False),
        sa.Column("code", sa.String(40), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("basis", sa.String(10), nullable=False),
        sa.Column("year", sa.Integer, nullable=False),
        sa.Column("fund", sa.String(40), nullable=False),
        sa.Column("host", sa.String(40), nullable=False),
        sa.Column("aims", sa.Text, nullable=False),
        sa.Column("share_basis", sa.String(20), nullable=False),
        sa.Column("fixed_shares", sa.JSON, nullable=False),
        sa.Column("underspend", sa.String(10), nullable=False),
        sa.Column("cut_uncommitted", sa.Boolean, nullable=False),
        sa.Column("caps", sa.JSON, nullable=False),
        sa.Column("uncapped", sa.Boolean, nullable=False),
        *_stamp(),
        sa.UniqueConstraint("system_code", "code", name="uq_fin_pools_code"),
    )
    op.create_table(
        "fin_pool_partners",
        sa.Column("pool_id", sa.Integer, sa.ForeignKey("fin_pools.id"), primary_key=True),
        sa.Column("organisation_code", sa.String(40), primary_key=True),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("sector", sa.String(20), nullable=False),
        sa.Column("position", sa.Integer, nullable=False),
    )
    op.create_table(
        "fin_pool_lines",
        sa.Column("pool_id", sa.Integer, sa.ForeignKey("fin_pools.id"), primary_key=True),
        sa.Column("code", sa.String(40), primary_key=True),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("position", sa.Integer, nullable=False),
    )
    op.create_table(
        "fin_pool_entries",
        sa.Column("id", ID64, primary_key=True, autoincrement=True),
        sa.Column("pool_id", sa.Integer, sa.ForeignKey("fin_pools.id"), nullable=False),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("partner", sa.String(40)),
        sa.Column("line", sa.String(40)),
        sa.Column("amount", sa.BigInteger, nullable=False),
        sa.Column("posted_on", sa.Date, nullable=False),
        sa.Column("description", sa.Text, nullable=False),
        sa.Column("journal_id", sa.BigInteger),
        *_stamp(),
        sa.CheckConstraint(
            "kind IN ('contribution', 'spend', 'call', 'settlement')",
            name="ck_fin_pool_entries_kind",
        ),
        sa.CheckConstraint(
            "kind = 'settlement' OR amount > 0", name="ck_fin_pool_entries_positive"
        ),
    )
    op.create_index("ix_fin_pool_entries_pool_id", "fin_pool_entries", ["pool_id"])
    op.create_table(
        "fin_pool_settlements",
        sa.Column("pool_id", sa.Integer, sa.ForeignKey("fin_pools.id"), primary_key=True),
        sa.Column("settled_on", sa.Date, nullable=False),
        sa.Column("summary", sa.JSON, nullable=False),
        *_stamp(),
    )
    op.create_table(
        "fin_bcf_plans",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("system_code", sa.String(10), sa.ForeignKey("systems.code"), nullable=False),
        sa.Column("hwb", sa.String(40), nullable=False),
        sa.Column("hwb_name", sa.String(200), nullable=False),
        sa.Column("year", sa.Integer, nullable=False),
        sa.Column("nhs_minimum_required", sa.BigInteger),
        sa.Column("asc_previous", sa.BigInteger),
        sa.Column("asc_uplift", sa.String(20)),
        sa.Column("objectives", sa.JSON, nullable=False),
        sa.Column("note", sa.Text, nullable=False),
        *_stamp(),
        sa.UniqueConstraint("system_code", "hwb", "year", name="uq_fin_bcf_plans"),
    )
    op.create_table(
        "fin_bcf_income",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("plan_id", sa.Integer, sa.ForeignKey("fin_bcf_plans.id"), nullable=False),
        sa.Column("source", sa.String(30), nullable=False),
        sa.Column("amount", sa.BigInteger, nullable=False),
        sa.Column("note", sa.Text, nullable=False),
        sa.CheckConstraint("amount > 0", name="ck_fin_bcf_income_positive"),
    )
    op.create_index("ix_fin_bcf_income_plan_id", "fin_bcf_income", ["plan_id"])
    op.create_table(
        "fin_bcf_schemes",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("plan_id", sa.Integer, sa.ForeignKey("fin_bcf_plans.id"), nullable=False),
        sa.Column("code", sa.String(40), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("area", sa.String(30), nullable=False),
        sa.Column("provider", sa.String(200), nullable=False),
        sa.Column("commissioner", sa.String(20), nullable=False),
        sa.Column("source", sa.String(30), nullable=False),
        sa.Column("amount", sa.BigInteger, nullable=False),
        sa.Column("objective", sa.Integer, nullable=False),
        sa.UniqueConstraint("plan_id", "code", name="uq_fin_bcf_schemes_code"),
        sa.CheckConstraint("amount > 0", name="ck_fin_bcf_schemes_positive"),
    )
    op.create_index("ix_fin_bcf_schemes_plan_id", "fin_bcf_schemes", ["plan_id"])
    op.create_table(
        "fin_contribution_events",
        sa.Column("id", ID64, primary_key=True, autoincrement=True),
        sa.Column("system_code", sa.String(10), sa.ForeignKey("systems.code"), nullable=False),
        sa.Column("partner", sa.String(40), nullable=False),
        sa.Column("year", sa.Integer, nullable=False),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("on", sa.Date, nullable=False),
        sa.Column("amount", sa.BigInteger),
        sa.Column("reason", sa.Text, nullable=False),
        sa.Column("reference", sa.Text, nullable=False),
        sa.Column("note", sa.Text, nullable=False),
        sa.Column("journal_id", sa.BigInteger),
        *_stamp(),
        sa.CheckConstraint(
            "kind IN ('requested', 'pledged', 'paid', 'declined')",
            name="ck_fin_contribution_events_kind",
        ),
        sa.CheckConstraint("amount IS NULL OR amount >= 0", name="ck_fin_contribution_amount"),
    )
    op.create_index(
        "ix_fin_contribution_events_system_code", "fin_contribution_events", ["system_code"]
    )
    for table in ("fin_running_cost_allowances", "fin_running_cost_plans"):
        op.create_table(
            table,
            sa.Column("id", ID64, primary_key=True, autoincrement=True),
            sa.Column("system_code", sa.String(10), sa.ForeignKey("systems.code"), nullable=False),
            sa.Column("year", sa.Integer, nullable=False),
            sa.Column("amount", sa.BigInteger, nullable=False),
            sa.Column(
                "source" if table.endswith("allowances") else "note", sa.Text, nullable=False
            ),
            *_stamp(),
            sa.CheckConstraint("amount >= 0", name=f"ck_{table}_amount"),
        )
        op.create_index(f"ix_{table}_system_code", table, ["system_code"])
    _append_only()


def _append_only() -> None:
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
    postgres = op.get_bind().dialect.name == "postgresql"
    if postgres:
        for table in APPEND_ONLY:
            op.execute(f"DROP TRIGGER IF EXISTS {table}_no_truncate ON {table}")
            op.execute(f"DROP TRIGGER IF EXISTS {table}_append_only ON {table}")
    for table in (
        "fin_running_cost_plans",
        "fin_running_cost_allowances",
        "fin_contribution_events",
        "fin_bcf_schemes",
        "fin_bcf_income",
        "fin_bcf_plans",
        "fin_pool_settlements",
        "fin_pool_entries",
        "fin_pool_lines",
        "fin_pool_partners",
        "fin_pools",
    ):
        op.drop_table(table)
    if postgres:
        for table in APPEND_ONLY:
            op.execute(f"DROP FUNCTION IF EXISTS {table}_append_only()")
