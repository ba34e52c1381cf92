"""What the ledger use cases share: the repository, account look-ups with suggestions, the
audit line, guarded-balance checks and the PostgreSQL retry on a concurrent duplicate.

Concurrency, in one place:
- SQLite has one writer at a time. Every ledger write first takes the write lock
  (``LedgerRepository.lock_system``), so the keys and balances it then reads cannot go stale.
- PostgreSQL: ids come from sequences; idempotency keys are unique in the database; guarded
  accounts and resolved commitments are locked row by row (``SELECT ... FOR UPDATE``). The
  write runs inside a savepoint: if a concurrent writer commits the same key first, the
  unique violation rolls back the savepoint only, and the write is tried again, when the
  key is found and the call becomes a replay (or a clear Conflict).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any, TypeVar

from sqlalchemy.exc import DBAPIError, IntegrityError, OperationalError

from integrated_care.access import Actor
from integrated_care.errors import Conflict, InvalidInput, NotFound
from integrated_care.finance.chart import AccountType
from integrated_care.finance.ledger.model import Account
from integrated_care.finance.ledger.rules import normal_balance, overdrawn_message
from integrated_care.persistence.ledger_repository import LedgerRepository, StoredAccount
from integrated_care.persistence.uow import UnitOfWork

T = TypeVar("T")
RETRIES = 5
# Unique constraints a concurrent writer can win; losing one means "try again, then replay".
RACE_CONSTRAINTS = frozenset(
    {
        "uq_ledger_journals_key",
        "uq_ledger_journals_reverses",
        "uq_ledger_commitments_key",
        "uq_ledger_accounts_code",
        "ledger_commitment_resolutions_pkey",
        "ledger_periods_pkey",
        "ledger_locks_pkey",
    }
)


def repo(uow: UnitOfWork) -> LedgerRepository:
    return LedgerRepository(uow.session)


def audit(uow: UnitOfWork, actor: Actor, system_code: str, resource: str, **detail: Any) -> None:
    """One audit line per call, however many rows it wrote (batches stay cheap)."""
    uow.audit.append(
        actor=actor.name,
        role=actor.role.value,
        action="write",
        resource=resource,
        system_code=system_code,
        detail=detail,
    )


def _race(exc: DBAPIError) -> bool:
    if isinstance(exc, OperationalError):
        return type(exc.orig).__name__ in {"DeadlockDetected", "SerializationFailure"}
    if isinstance(exc, IntegrityError):
        diag = getattr(exc.orig, "diag", None)
        return getattr(diag, "constraint_name", None) in RACE_CONSTRAINTS
    return False


def concurrently(uow: UnitOfWork, write: Callable[[], T]) -> T:
    """Run ``write`` so that losing a race to a concurrent writer retries it instead of
    failing: on PostgreSQL inside a savepoint (rolled back alone on a lost race); on SQLite
    directly (the write lock makes races impossible)."""
    if repo(uow).dialect != "postgresql":
        return write()
    for _ in range(RETRIES):
        try:
            with uow.session.begin_nested():
                return write()
        except (IntegrityError, OperationalError) as exc:
            if not _race(exc):
                raise
    raise Conflict(
        "The ledger was changed by other writers at the same moment, repeatedly.",
        input_name="request",
        expected="the same request sent again (it is idempotent)",
    )


def accounts_by_code(
    uow: UnitOfWork,
    system_code: str,
    codes: Iterable[str],
    *,
    input_name: str,
    reading: bool = False,
) -> dict[str, StoredAccount]:
    """Every named account, or NotFound for the first unknown one (with suggestions). Unless
    ``reading``, a closed account is refused too."""
    wanted = sorted(set(codes))
    found = {s.account.code: s for s in repo(uow).accounts(system_code, codes=wanted)}
    for code in wanted:
        if code not in found:
            raise NotFound(
                "ledger account",
                code,
                input_name=input_name,
                candidates=repo(uow).account_codes(system_code),
                expected="an account opened with 'ics finance open-account'",
            )
        if found[code].account.closed and not reading:
            raise InvalidInput(
                f"The ledger account {code} is closed.",
                input_name=input_name,
                expected="an open account",
            )
    return found


def available(
    uow: UnitOfWork,
    system_code: str,
    accounts: Sequence[StoredAccount],
    *,
    released: Mapping[int, int] | None = None,
) -> dict[int, int]:
    """Guarded accounts' available balances: posted in the normal direction minus pending
    commitments that would reduce it. Locks the rows first on PostgreSQL. ``released`` maps
    account id -> pending pence being released by the same write (a commitment posted)."""
    ledger = repo(uow)
    ids = [s.id for s in accounts]
    ledger.lock_accounts(ids)
    sums = ledger.sums(system_code, account_ids=ids)
    as_credit, as_debit = ledger.pending(system_code, account_ids=ids)
    result: dict[int, int] = {}
    for stored in accounts:
        kind = stored.account.type
        s = sums.get(stored.id)
        posted = normal_balance(kind, s.debits, s.credits) if s else 0
        pending = (as_credit if kind.debit_normal else as_debit).get(stored.id, 0)
        result[stored.id] = posted - pending + (released or {}).get(stored.id, 0)
    return result


def refuse_overdraft(account: Account, before: int, change: int, *, what: str) -> None:
    """Refuse a change that takes a guarded account below zero in its normal direction."""
    if account.guarded and change < 0 and before + change < 0:
        raise InvalidInput(
            overdrawn_message(account.code, before, -change, what=what),
            input_name="amount",
            expected=f"at most the available balance of {account.code}",
        )


def pending_for(kind: AccountType, as_credit: int, as_debit: int) -> int:
    """Pending pence that would reduce an account of this type when posted."""
    return as_credit if kind.debit_normal else as_debit
