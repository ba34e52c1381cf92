"""The single pot, delegation to places, schemes of delegation and financial duties.

The money is in the ledger (0006). These tables record the scheme of delegation, each
delegation and each place's part of it, commitments and payments approved at place, and
the duties configured per year. Delegations, their parts and place postings are
append-only (UPDATE/DELETE refused by triggers; TRUNCATE too on PostgreSQL), like the
ledger's own history.

Revision ID: 0007
Revises: 0006
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from integrated_care.persistence.types import UtcDateTime

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

APPEND_ONLY = ("fin_delegations", "fin_delegation_parts", "fin_place_postings")
ID64 = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
STREAMS = "'core', 'pmc', 'specialised', 'pod', 'rca', 'non-recurrent'"


def _system(primary_key: bool = False) -> sa.Column[str]:
    return sa.Column(
        "system_code",
        sa.String(10),
        sa.ForeignKey("systems.code"),
        nullable=False,
        primary_key=primary_key,
    )


def _id() -> sa.Column[int]:
    return sa.Column("id", sa.Integer, primary_key=True, autoincrement=True)


def _created() -> list[sa.Column[object]]:
    return [
        sa.Column("created_at", UtcDateTime(), nullable=False),
        sa.Column("created_by", sa.String(80), nullable=False),
    ]


def upgrade() -> None:
    op.create_table(
        "fin_scheme_entries",
        _id(),
        _system(),
        sa.Column("place_code", sa.String(40), nullable=False),
        sa.Column("stream", sa.String(20), nullable=False),
        sa.Column("line", sa.String(40), nullable=False),
        sa.Column("component", sa.String(30), nullable=False),
        sa.Column("approver", sa.String(80), nullable=False),
        sa.Column("valid_from", sa.Date, nullable=False),
        sa.Column("valid_to", sa.Date),
        sa.Column("max_budget", sa.BigInteger),
        sa.Column("max_commitment", sa.BigInteger),
        *_created(),
        sa.CheckConstraint(f"stream IN ({STREAMS})", name="ck_fin_scheme_entries_stream"),
        sa.CheckConstraint(
            "valid_to IS NULL OR valid_to > valid_from", name="ck_fin_scheme_entries_dates"
        ),
        sa.CheckConstraint(
            "(max_budget IS NULL OR max_budget > 0) AND "
            "(max_commitment IS NULL OR max_commitment > 0)",
            name="ck_fin_scheme_entries_limits",
        ),
    )
    op.create_index("ix_fin_scheme_entries_system_code", "fin_scheme_entries", ["system_code"])
    op.create_table(
        "fin_delegations",
        _id(),
        _system(),
        sa.Column("key", sa.String(200), nullable=False),
        sa.Column("year", sa.Integer, nullable=False),
        sa.Column("stream", sa.String(20), nullable=False),
        sa.Column("fund", sa.String(60), nullable=False),
        sa.Column("line", sa.String(40), nullable=False),
        sa.Column("component", sa.String(30), nullable=False),
        sa.Column("weights_year", sa.String(7), nullable=False),
        sa.Column("amount", sa.BigInteger, nullable=False),
        sa.Column("delegated_on", sa.Date, nullable=False),
        sa.Column("journal_id", ID64, sa.ForeignKey("ledger_journals.id"), nullable=False),
        sa.Column("description", sa.String(500), nullable=False),
        *_created(),
        sa.UniqueConstraint("system_code", "key", name="uq_fin_delegations_key"),
        sa.CheckConstraint("amount > 0", name="ck_fin_delegations_amount"),
        sa.CheckConstraint(f"stream IN ({STREAMS})", name="ck_fin_delegations_stream"),
    )
    op.create_index("ix_fin_delegations_system_code", "fin_delegations", ["system_code"])
    op.create_table(
        "fin_delegation_parts",
        sa.Column(
            "delegation_id", sa.Integer, sa.ForeignKey("fin_delegations.id"), primary_key=True
        ),
        sa.Column("place_code", sa.String(40), primary_key=True),
        sa.Column("amount", sa.BigInteger, nullable=False),
        sa.Column("weighted_population", sa.String(40), nullable=False),
        sa.CheckConstraint("amount >= 0", name="ck_fin_delegation_parts_amount"),
    )
    op.create_table(
        "fin_place_postings",
        _id(),
        _system(),
        sa.Column("key", sa.String(200), nullable=False),
        sa.Column("kind", sa.String(12), nullable=False),
        sa.Column("place_code", sa.String(40), nullable=False),
        sa.Column("fund", sa.String(60), nullable=False),
        sa.Column("line", sa.String(40), nullable=False),
        sa.Column("amount", sa.BigInteger, nullable=False),
        sa.Column("approved_by", sa.String(80), nullable=False),
        sa.Column("commitment_id", sa.Integer, sa.ForeignKey("ledger_commitments.id")),
        sa.Column("journal_id", ID64, sa.ForeignKey("ledger_journals.id")),
        sa.Column("posted_on", sa.Date, nullable=False),
        sa.Column("description", sa.String(500), nullable=False),
        *_created(),
        sa.UniqueConstraint("system_code", "key", name="uq_fin_place_postings_key"),
        sa.CheckConstraint("amount > 0", name="ck_fin_place_postings_amount"),
        sa.CheckConstraint(
            "(kind = 'commitment' AND commitment_id IS NOT NULL) OR "
            "(kind = 'payment' AND journal_id IS NOT NULL)",
            name="ck_fin_place_postings_kind",
        ),
    )
    op.create_index("ix_fin_place_postings_system_code", "fin_place_postings", ["system_code"])
    op.create_table(
        "fin_duties",
        _system(primary_key=True),
        sa.Column("year", sa.Integer, primary_key=True),
        sa.Column("duty", sa.String(20), primary_key=True),
        sa.Column("target", sa.BigInteger),
        sa.Column("lines", sa.JSON, nullable=False),
        sa.Column("configured_at", UtcDateTime(), nullable=False),
        sa.Column("configured_by", sa.String(80), nullable=False),
        sa.CheckConstraint(
            "duty IN ('break-even', 'running-costs', 'mhis')", name="ck_fin_duties_duty"
        ),
        sa.CheckConstraint(
            "(duty = 'mhis' AND target > 0) OR (duty <> 'mhis' AND target IS NULL)",
            name="ck_fin_duties_target",
        ),
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
        "fin_duties",
        "fin_place_postings",
        "fin_delegation_parts",
        "fin_delegations",
        "fin_scheme_entries",
    ):
        op.drop_table(table)
