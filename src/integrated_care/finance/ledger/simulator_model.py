"""The simulator's executable model of the ledger: plain dicts of integers, no database.

The random-operation simulator (``simulator.py``) runs every operation twice: against the
real ledger services and against this model. The model says, from the ledger's written
rules alone, whether an operation must be accepted, replayed or refused, and what every
balance must then be; the simulator compares. Nothing here reads the ledger's code, so a
bug in the ledger cannot hide itself by also being in the model.

Rules modelled (the contract in ``services/finance/ledger.py`` and ``ledger/model.py``):

* a journal has >= 2 legs, no zero leg, legs summing to zero, known accounts, an open
  period ('YYYY-MM' of ``posted_on``); a key seen before with the same request is a replay
  (nothing written), with a different request a conflict;
* a guarded account may never show ``posted - pending < 0`` (in its normal direction)
  after any posting or reservation; a batch is all or nothing;
* a reversal negates every leg, may happen once, and never to a reversal;
* a commitment reserves ``amount`` (> 0) as ``pending`` against the side it would reduce
  when posted: its credit account if that is debit-normal (a budget), its debit account if
  that is credit-normal (a partner's contribution), as ``ledger_common.available`` says
  (the contract's ``Balance.pending`` comment names only the credit side); it is
  posted (wholly or partly, the rest released; not dated after it expires), voided or
  expired, once; posting again with the same key replays the posting, voiding a voided
  commitment changes nothing (both as ``services/finance/ledger.py`` documents);
* closing a closed period changes nothing.

Rolled-back units of work are modelled by ``snapshot``/``restore``.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from enum import StrEnum

from integrated_care.finance.ledger.model import (
    Account,
    CommitmentRequest,
    CommitmentState,
    JournalRequest,
)

Legs = tuple[tuple[str, int], ...]  # (account code, signed pence) in the request's order


class Problem(StrEnum):
    """Why the model expects an operation to be refused."""

    TOO_FEW_LEGS = "fewer than two legs"
    ZERO_LEG = "a zero leg"
    UNBALANCED = "legs do not sum to zero"
    UNKNOWN_ACCOUNT = "an unknown account"
    CLOSED_PERIOD = "a closed period"
    KEY_CONFLICT = "a used key with a different request"
    GUARDED = "a guarded account would go below zero"
    BAD_AMOUNT = "an amount that is not allowed"
    NOT_PENDING = "a commitment that is not pending"
    EXPIRED = "a date after the commitment expires"
    ALREADY_REVERSED = "a journal already reversed"
    REVERSES_A_REVERSAL = "a reversal cannot be reversed"
    ACCOUNT_CONFLICT = "a different account under a used code"
    SAME_ACCOUNT = "the same account on both sides"


@dataclass(frozen=True, slots=True)
class Expectation:
    """What must happen: refused (with these problems), replayed, or accepted."""

    problems: frozenset[Problem] = frozenset()
    replay_of: str | None = None  # the key whose original result must come back

    @property
    def refused(self) -> bool:
        return bool(self.problems)


ACCEPT = Expectation()


@dataclass(frozen=True, slots=True)
class ModelJournal:
    key: str
    id: int
    posted_on: date
    legs: Legs
    request: JournalRequest | None  # None for reversals and commitment postings
    reverses: str | None = None  # the key of the reversed journal


@dataclass(frozen=True, slots=True)
class ModelCommitment:
    key: str
    id: int
    request: CommitmentRequest
    state: CommitmentState = CommitmentState.PENDING
    posted_amount: int = 0
    journal_key: str | None = None


def period_of(day: date) -> str:
    return f"{day.year:04d}-{day.month:02d}"


def legs_of(request: JournalRequest) -> Legs:
    return tuple((leg.account, leg.amount) for leg in request.legs)


@dataclass
class LedgerModel:
    accounts: dict[str, Account] = field(default_factory=dict)
    debits: dict[str, int] = field(default_factory=dict)  # posted debit legs, >= 0
    credits: dict[str, int] = field(default_factory=dict)  # posted credit legs, as >= 0
    pending: dict[str, int] = field(default_factory=dict)  # reserved against the account
    journals: dict[str, ModelJournal] = field(default_factory=dict)  # by key
    journal_keys: list[str] = field(default_factory=list)  # in posting order
    reversed_by: dict[str, str] = field(default_factory=dict)  # journal key -> reversal key
    commitments: dict[str, ModelCommitment] = field(default_factory=dict)  # by key
    commitment_keys: list[str] = field(default_factory=list)
    pending_keys: dict[str, None] = field(default_factory=dict)  # an ordered set
    closed: set[str] = field(default_factory=set)  # closed periods
    leg_count: int = 0

    # -- reading ---------------------------------------------------------------------

    def normal(self, code: str) -> int:
        """The posted balance in the account's normal direction."""
        net = self.debits.get(code, 0) - self.credits.get(code, 0)
        return net if self.accounts[code].type.debit_normal else -net

    def available(self, code: str) -> int:
        return self.normal(code) - self.pending.get(code, 0)

    def total_debits(self) -> int:
        return sum(self.debits.values())

    def total_credits(self) -> int:
        return sum(self.credits.values())

    def pending_commitments(self) -> list[ModelCommitment]:
        return [self.commitments[key] for key in self.pending_keys]

    # -- predicting --------------------------------------------------------------------

    def expect_open(self, account: Account) -> Expectation:
        known = self.accounts.get(account.code)
        if known is None:
            return ACCEPT
        if known == account:
            return Expectation(replay_of=account.code)
        return Expectation(frozenset({Problem.ACCOUNT_CONFLICT}))

    def expect_post(self, request: JournalRequest) -> Expectation:
        return self.expect_batch([request])[0]

    def expect_batch(self, requests: Sequence[JournalRequest]) -> list[Expectation]:
        """Each request's expectation, applying the earlier ones of the batch first (a
        batch is refused as a whole when any of them is refused)."""
        moved: dict[str, int] = {}  # signed leg sums posted by earlier requests in the batch
        seen: dict[str, JournalRequest] = {}
        out = []
        for request in requests:
            expectation = self._expect_journal(request, moved, seen)
            if not expectation.refused and expectation.replay_of is None:
                seen[request.key] = request
                for account, amount in legs_of(request):
                    moved[account] = moved.get(account, 0) + amount
            out.append(expectation)
        return out

    def _expect_journal(
        self, request: JournalRequest, moved: dict[str, int], seen: dict[str, JournalRequest]
    ) -> Expectation:
        earlier = self.journals.get(request.key)
        original = earlier.request if earlier else seen.get(request.key)
        if earlier is not None or original is not None:
            if original == request:
                return Expectation(replay_of=request.key)
            return Expectation(frozenset({Problem.KEY_CONFLICT}))
        problems = set(self._leg_problems(legs_of(request), request.posted_on))
        if not problems:
            problems |= self._guard(legs_of(request), moved)
        return Expectation(frozenset(problems))

    def _leg_problems(self, legs: Legs, posted_on: date) -> Iterable[Problem]:
        if len(legs) < 2:
            yield Problem.TOO_FEW_LEGS
        if any(amount == 0 for _, amount in legs):
            yield Problem.ZERO_LEG
        if sum(amount for _, amount in legs) != 0:
            yield Problem.UNBALANCED
        if any(account not in self.accounts for account, _ in legs):
            yield Problem.UNKNOWN_ACCOUNT
        if period_of(posted_on) in self.closed:
            yield Problem.CLOSED_PERIOD

    def _guard(
        self, legs: Legs, moved: dict[str, int], pending_change: dict[str, int] | None = None
    ) -> set[Problem]:
        """GUARDED if any guarded account would end below zero, counting pending."""
        change: dict[str, int] = {}
        for account, amount in legs:
            change[account] = change.get(account, 0) + amount
        for account in set(change) | set(pending_change or {}):
            spec = self.accounts[account]
            if not spec.guarded:
                continue
            signed = change.get(account, 0) + moved.get(account, 0)
            delta = signed if spec.type.debit_normal else -signed
            extra_pending = (pending_change or {}).get(account, 0)
            if self.available(account) + delta - extra_pending < 0:
                return {Problem.GUARDED}
        return set()

    def expect_reverse(self, journal_key: str, key: str, posted_on: date) -> Expectation:
        original = self.journals[journal_key]
        if key in self.journals:
            return Expectation(frozenset({Problem.KEY_CONFLICT}))
        problems = set()
        if original.reverses is not None:
            problems.add(Problem.REVERSES_A_REVERSAL)
        if journal_key in self.reversed_by:
            problems.add(Problem.ALREADY_REVERSED)
        if period_of(posted_on) in self.closed:
            problems.add(Problem.CLOSED_PERIOD)
        if not problems:
            problems |= self._guard(mirror(original.legs), {})
        return Expectation(frozenset(problems))

    def expect_reserve(self, request: CommitmentRequest) -> Expectation:
        earlier = self.commitments.get(request.key)
        if earlier is not None:
            if earlier.request == request:
                return Expectation(replay_of=request.key)
            return Expectation(frozenset({Problem.KEY_CONFLICT}))
        problems = set()
        if request.amount <= 0:
            problems.add(Problem.BAD_AMOUNT)
        if request.debit_account == request.credit_account:
            problems.add(Problem.SAME_ACCOUNT)
        if {request.debit_account, request.credit_account} - set(self.accounts):
            problems.add(Problem.UNKNOWN_ACCOUNT)
        if not problems:
            problems |= self._guard((), {}, self.reductions(request))
        return Expectation(frozenset(problems))

    def reductions(self, request: CommitmentRequest) -> dict[str, int]:
        """The pending pence a commitment holds, per account it would reduce when posted."""
        out: dict[str, int] = {}
        if self.accounts[request.credit_account].type.debit_normal:
            out[request.credit_account] = request.amount
        if not self.accounts[request.debit_account].type.debit_normal:
            out[request.debit_account] = request.amount
        return out

    def expect_post_commitment(
        self, commitment_key: str, key: str, posted_on: date, amount: int | None
    ) -> Expectation:
        commitment = self.commitments[commitment_key]
        if commitment.journal_key == key:  # a retry of the posting: same date and amount
            value = commitment.request.amount if amount is None else amount
            if (posted_on, value) == (self.journals[key].posted_on, commitment.posted_amount):
                return Expectation(replay_of=key)
            return Expectation(frozenset({Problem.KEY_CONFLICT}))
        if key in self.journals:
            return Expectation(frozenset({Problem.KEY_CONFLICT}))
        problems = set()
        if commitment.state is not CommitmentState.PENDING:
            problems.add(Problem.NOT_PENDING)
        if amount is not None and not 0 < amount <= commitment.request.amount:
            problems.add(Problem.BAD_AMOUNT)
        if period_of(posted_on) in self.closed:
            problems.add(Problem.CLOSED_PERIOD)
        expires = commitment.request.expires_on
        if expires is not None and posted_on > expires:
            problems.add(Problem.EXPIRED)
        return Expectation(frozenset(problems))

    def expect_void(self, commitment_key: str) -> Expectation:
        state = self.commitments[commitment_key].state
        if state is CommitmentState.VOIDED:
            return Expectation(replay_of=commitment_key)
        if state is not CommitmentState.PENDING:
            return Expectation(frozenset({Problem.NOT_PENDING}))
        return ACCEPT

    def expect_close(self, period: str) -> Expectation:
        return Expectation(replay_of=period) if period in self.closed else ACCEPT

    def due_to_expire(self, as_of: date) -> list[str]:
        return [
            c.key
            for c in self.pending_commitments()
            if c.request.expires_on is not None and c.request.expires_on < as_of
        ]

    # -- applying (only what the ledger accepted) ---------------------------------------

    def open(self, account: Account) -> None:
        self.accounts[account.code] = account

    def post(
        self,
        key: str,
        journal_id: int,
        posted_on: date,
        legs: Legs,
        request: JournalRequest | None,
        reverses: str | None = None,
    ) -> None:
        self.journals[key] = ModelJournal(key, journal_id, posted_on, legs, request, reverses)
        self.journal_keys.append(key)
        self.leg_count += len(legs)
        for account, amount in legs:
            if amount > 0:
                self.debits[account] = self.debits.get(account, 0) + amount
            else:
                self.credits[account] = self.credits.get(account, 0) - amount
        if reverses is not None:
            self.reversed_by[reverses] = key

    def reserve(self, request: CommitmentRequest, commitment_id: int) -> None:
        self.commitments[request.key] = ModelCommitment(request.key, commitment_id, request)
        self.commitment_keys.append(request.key)
        self.pending_keys[request.key] = None
        for account, amount in self.reductions(request).items():
            self._release(account, -amount)

    def settle(
        self,
        commitment_key: str,
        state: CommitmentState,
        posted_amount: int = 0,
        journal_key: str | None = None,
    ) -> None:
        """Move a pending commitment to posted, voided or expired; release its reservation."""
        commitment = self.commitments[commitment_key]
        self.commitments[commitment_key] = replace(
            commitment, state=state, posted_amount=posted_amount, journal_key=journal_key
        )
        del self.pending_keys[commitment_key]
        for account, amount in self.reductions(commitment.request).items():
            self._release(account, amount)

    def _release(self, account: str, amount: int) -> None:
        self.pending[account] = self.pending.get(account, 0) - amount

    def close(self, period: str) -> None:
        self.closed.add(period)

    # -- units of work -----------------------------------------------------------------

    def snapshot(self) -> LedgerModel:
        """A copy to restore when the unit of work is rolled back (values are immutable)."""
        return LedgerModel(
            dict(self.accounts),
            dict(self.debits),
            dict(self.credits),
            dict(self.pending),
            dict(self.journals),
            list(self.journal_keys),
            dict(self.reversed_by),
            dict(self.commitments),
            list(self.commitment_keys),
            dict(self.pending_keys),
            set(self.closed),
            self.leg_count,
        )

    def restore(self, snapshot: LedgerModel) -> None:
        """Become ``snapshot`` again, in place (the operation source holds this object)."""
        vars(self).update(vars(snapshot.snapshot()))


def mirror(legs: Legs) -> Legs:
    return tuple((account, -amount) for account, amount in legs)
