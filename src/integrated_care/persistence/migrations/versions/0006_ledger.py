"""The double-entry ledger: accounts, journals, legs, commitments, periods, locks.

The database itself refuses an unbalanced journal, on both backends, with one design:
a journal's legs are inserted first and its header row last; the header "seals" them.

- SQLite (no deferred triggers): a BEFORE INSERT trigger on the header refuses it unless its
  legs number at least two and sum to zero; a BEFORE INSERT trigger on legs refuses legs for
  a journal whose header already exists; legs reference the header through a DEFERRABLE
  INITIALLY DEFERRED foreign key, so legs never sealed by a header fail at commit.
- PostgreSQL: the same sealing trigger on legs and the same deferred foreign key, and a
  CONSTRAINT TRIGGER ... DEFERRABLE INITIALLY DEFERRED on the header that refuses, at
  commit, any journal whose legs number fewer than two or do not sum to zero.

Both: legs CHECK (amount <> 0); the header's period must be the 'YYYY-MM' of its date and
must not be closed; journals, legs, closed periods, commitments and their resolutions are
append-only (UPDATE/DELETE refused by row triggers; TRUNCATE by statement triggers on
PostgreSQL), as 0001-0003 do for the other history tables.

Revision ID: 0006
Revises: 0005
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from integrated_care.persistence.types import UtcDateTime

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

APPEND_ONLY = (
    "ledger_journals",
    "ledger_legs",
    "ledger_periods",
    "ledger_commitments",
    "ledger_commitment_resolutions",
)
ID64 = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
ACCOUNT_TYPES = "'asset', 'liability', 'equity', 'income', 'expenditure'"

SQLITE_TRIGGERS = (
    # Legs cannot be added to a journal once its header has sealed it.
    """CREATE TRIGGER ledger_legs_sealed BEFORE INSERT ON ledger_legs
    WHEN EXISTS (SELECT 1 FROM ledger_journals WHERE id = NEW.journal_id)
    BEGIN SELECT RAISE(ABORT, 'ledger journal is sealed: legs cannot be added to it'); END""",
    # One trigger, so its checks run (and name the problem) in this order.
    """CREATE TRIGGER ledger_journals_seal BEFORE INSERT ON ledger_journals BEGIN
    SELECT RAISE(ABORT, 'ledger journal needs at least two legs')
        WHERE (SELECT count(*) FROM ledger_legs WHERE journal_id = NEW.id) < 2;
    SELECT RAISE(ABORT, 'ledger journal does not balance: its legs do not sum to zero')
        WHERE (SELECT coalesce(sum(amount), 0) FROM ledger_legs WHERE journal_id = NEW.id) <> 0;
    SELECT RAISE(ABORT, 'ledger journal period is not the month of its date')
        WHERE NEW.period IS NOT substr(NEW.posted_on, 1, 7);
    SELECT RAISE(ABORT, 'ledger period is closed')
        WHERE EXISTS (SELECT 1 FROM ledger_periods
                      WHERE system_code = NEW.system_code AND period = NEW.period);
    END""",
)

# The sealing and period checks are statement-level (set-based over the statement's new
# rows: one call per bulk INSERT, not one per row); the balance check is the per-row
# constraint trigger deferred to commit.
PG_FUNCTIONS = (
    """CREATE FUNCTION ledger_legs_sealed() RETURNS trigger AS $$ BEGIN
    IF EXISTS (SELECT 1 FROM new_legs l JOIN ledger_journals j ON j.id = l.journal_id) THEN
        RAISE EXCEPTION 'ledger journal is sealed: legs cannot be added to it';
    END IF;
    RETURN NULL; END; $$ LANGUAGE plpgsql""",
    """CREATE FUNCTION ledger_journals_period() RETURNS trigger AS $$ BEGIN
    IF EXISTS (SELECT 1 FROM new_journals
               WHERE period IS DISTINCT FROM to_char(posted_on, 'YYYY-MM')) THEN
        RAISE EXCEPTION 'ledger journal period is not the month of its date';
    END IF;
    IF EXISTS (SELECT 1 FROM new_journals j JOIN ledger_periods p
               ON p.system_code = j.system_code AND p.period = j.period) THEN
        RAISE EXCEPTION 'ledger period is closed';
    END IF;
    RETURN NULL; END; $$ LANGUAGE plpgsql""",
    """CREATE FUNCTION ledger_journals_balanced() RETURNS trigger AS $$
    DECLARE n bigint; total numeric;
    BEGIN
    SELECT count(*), coalesce(sum(amount), 0) INTO n, total
        FROM ledger_legs WHERE journal_id = NEW.id;
    IF n < 2 THEN
        RAISE EXCEPTION 'ledger journal needs at least two legs (journal % has %)', NEW.id, n;
    END IF;
    IF total <> 0 THEN
        RAISE EXCEPTION 'ledger journal does not balance: its legs do not sum to zero '
            '(journal % sums to %)', NEW.id, total;
    END IF;
    RETURN NULL; END; $$ LANGUAGE plpgsql""",
)
PG_TRIGGERS = (
    "CREATE TRIGGER ledger_legs_sealed AFTER INSERT ON ledger_legs "
    "REFERENCING NEW TABLE AS new_legs FOR EACH STATEMENT EXECUTE FUNCTION ledger_legs_sealed()",
    "CREATE TRIGGER ledger_journals_period AFTER INSERT ON ledger_journals "
    "REFERENCING NEW TABLE AS new_journals "
    "FOR EACH STATEMENT EXECUTE FUNCTION ledger_journals_period()",
    "CREATE CONSTRAINT TRIGGER ledger_journals_balanced AFTER INSERT ON ledger_journals "
    "DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION ledger_journals_balanced()",
)


def upgrade() -> None:
    op.create_table(
        "ledger_accounts",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("system_code", sa.String(10), sa.ForeignKey("systems.code"), nullable=False),
        sa.Column("code", sa.String(200), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("type", sa.String(12), nullable=False),
        sa.Column("fund", sa.String(60)),
        sa.Column("organisation_code", sa.String(40)),
        sa.Column("guarded", sa.Boolean, nullable=False),
        sa.Column("closed", sa.Boolean, nullable=False),
        sa.Column("created_at", UtcDateTime(), nullable=False),
        sa.Column("created_by", sa.String(80), nullable=False),
        sa.UniqueConstraint("system_code", "code", name="uq_ledger_accounts_code"),
        sa.CheckConstraint(f"type IN ({ACCOUNT_TYPES})", name="ck_ledger_accounts_type"),
    )
    op.create_table(
        "ledger_journals",
        sa.Column("id", ID64, primary_key=True, autoincrement=True),
        sa.Column("system_code", sa.String(10), sa.ForeignKey("systems.code"), nullable=False),
        sa.Column("key", sa.String(200), nullable=False),
        sa.Column("body_hash", sa.String(64), nullable=False),
        sa.Column("posted_on", sa.Date, nullable=False),
        sa.Column("period", sa.String(7), nullable=False),
        sa.Column("description", sa.String(500), nullable=False),
        sa.Column("reference", sa.String(200), nullable=False),
        sa.Column("reverses", ID64, sa.ForeignKey("ledger_journals.id")),
        sa.Column("created_at", UtcDateTime(), nullable=False),
        sa.Column("created_by", sa.String(80), nullable=False),
        sa.UniqueConstraint("system_code", "key", name="uq_ledger_journals_key"),
        sa.UniqueConstraint("reverses", name="uq_ledger_journals_reverses"),
    )
    op.create_index(
        "ix_ledger_journals_system_period", "ledger_journals", ["system_code", "period"]
    )
    op.create_table(
        "ledger_legs",
        sa.Column("id", ID64, primary_key=True, autoincrement=True),
        sa.Column(
            "journal_id",
            ID64,
            sa.ForeignKey("ledger_journals.id", deferrable=True, initially="DEFERRED"),
            nullable=False,
        ),
        sa.Column("account_id", sa.Integer, sa.ForeignKey("ledger_accounts.id"), nullable=False),
        sa.Column("amount", sa.BigInteger, nullable=False),
        sa.Column("memo", sa.String(200), nullable=False),
        sa.CheckConstraint("amount <> 0", name="ck_ledger_legs_amount_not_zero"),
    )
    op.create_index("ix_ledger_legs_journal_id", "ledger_legs", ["journal_id"])
    op.create_index("ix_ledger_legs_account", "ledger_legs", ["account_id", "amount", "journal_id"])
    op.create_table(
        "ledger_periods",
        sa.Column("system_code", sa.String(10), sa.ForeignKey("systems.code"), primary_key=True),
        sa.Column("period", sa.String(7), primary_key=True),
        sa.Column("closed_at", UtcDateTime(), nullable=False),
        sa.Column("closed_by", sa.String(80), nullable=False),
    )
    op.create_table(
        "ledger_commitments",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("system_code", sa.String(10), sa.ForeignKey("systems.code"), nullable=False),
        sa.Column("key", sa.String(200), nullable=False),
        sa.Column("body_hash", sa.String(64), nullable=False),
        sa.Column(
            "debit_account_id", sa.Integer, sa.ForeignKey("ledger_accounts.id"), nullable=False
        ),
        sa.Column(
            "credit_account_id", sa.Integer, sa.ForeignKey("ledger_accounts.id"), nullable=False
        ),
        sa.Column("amount", sa.BigInteger, nullable=False),
        sa.Column("reserved_on", sa.Date, nullable=False),
        sa.Column("expires_on", sa.Date),
        sa.Column("description", sa.String(500), nullable=False),
        sa.Column("created_at", UtcDateTime(), nullable=False),
        sa.Column("created_by", sa.String(80), nullable=False),
        sa.UniqueConstraint("system_code", "key", name="uq_ledger_commitments_key"),
        sa.CheckConstraint("amount > 0", name="ck_ledger_commitments_amount"),
        sa.CheckConstraint(
            "debit_account_id <> credit_account_id", name="ck_ledger_commitments_accounts"
        ),
    )
    op.create_index(
        "ix_ledger_commitments_debit_account_id", "ledger_commitments", ["debit_account_id"]
    )
    op.create_index(
        "ix_ledger_commitments_credit_account_id", "ledger_commitments", ["credit_account_id"]
    )
    op.create_table(
        "ledger_commitment_resolutions",
        sa.Column(
            "commitment_id",
            sa.Integer,
            sa.ForeignKey("ledger_commitments.id"),
            primary_key=True,
            autoincrement=False,
        ),
        sa.Column("state", sa.String(10), nullable=False),
        sa.Column("posted_amount", sa.BigInteger, nullable=False),
        sa.Column(
            "journal_id",
            ID64,
            sa.ForeignKey("ledger_journals.id", deferrable=True, initially="DEFERRED"),
        ),
        sa.Column("resolved_at", UtcDateTime(), nullable=False),
        sa.Column("resolved_by", sa.String(80), nullable=False),
        sa.CheckConstraint(
            "state IN ('posted', 'voided', 'expired')", name="ck_ledger_resolutions_state"
        ),
        sa.CheckConstraint(
            "(state = 'posted' AND journal_id IS NOT NULL AND posted_amount > 0) OR "
            "(state <> 'posted' AND journal_id IS NULL AND posted_amount = 0)",
            name="ck_ledger_resolutions_posted",
        ),
    )
    op.create_table(
        "ledger_locks",
        sa.Column("system_code", sa.String(10), sa.ForeignKey("systems.code"), primary_key=True),
        sa.Column("writes", sa.BigInteger, nullable=False),
    )
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        _sqlite_triggers()
    elif dialect == "postgresql":
        _postgresql_triggers()


def _sqlite_triggers() -> None:
    for statement in SQLITE_TRIGGERS:
        op.execute(statement)
    for table in APPEND_ONLY:
        for verb in ("UPDATE", "DELETE"):
            op.execute(
                f"CREATE TRIGGER {table}_no_{verb.lower()} BEFORE {verb} ON {table} "
                f"BEGIN SELECT RAISE(ABORT, '{table} is append-only'); END"
            )


def _postgresql_triggers() -> None:
    for statement in PG_FUNCTIONS + PG_TRIGGERS:
        op.execute(statement)
    for table in APPEND_ONLY:
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
    # Dropping the tables drops their triggers; PostgreSQL's functions go afterwards.
    for table in (
        "ledger_locks",
        "ledger_commitment_resolutions",
        "ledger_commitments",
        "ledger_periods",
        "ledger_legs",
        "ledger_journals",
        "ledger_accounts",
    ):
        op.drop_table(table)
    if op.get_bind().dialect.name == "postgresql":
        for table in APPEND_ONLY:
            op.execute(f"DROP FUNCTION IF EXISTS {table}_append_only()")
        for name in ("ledger_legs_sealed", "ledger_journals_balanced", "ledger_journals_period"):
            op.execute(f"DROP FUNCTION IF EXISTS {name}()")
