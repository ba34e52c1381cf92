"""The simulator's random operations: what to try next, chosen from a seeded generator.

Every choice comes from ``random.Random(seed)`` and the model's state (keys, never database
ids), so one seed always produces the same sequence of operations. About a third of the
operations are meant to be refused (unbalanced, unknown account, zero leg, closed period,
reused key with a different body, overdrawing a guarded budget, double reversal, posting a
settled commitment, bad amounts); the model, not this label, decides what must happen.
"""

from __future__ import annotations

import random
from datetime import date, timedelta

from integrated_care.finance.chart import AccountType
from integrated_care.finance.ledger.model import (
    Account,
    CommitmentRequest,
    CommitmentState,
    JournalRequest,
    Leg,
)
from integrated_care.finance.ledger.simulator_model import LedgerModel
from integrated_care.finance.ledger.simulator_records import (
    OPEN_MONTHS,
    START,
    ClosePeriod,
    EndUnit,
    Expire,
    OpenAccount,
    Operation,
    Post,
    PostCommitment,
    PostMany,
    Reserve,
    Reverse,
    Void,
    chart,
)


class Operations:
    """Draws the next operation from the model's state."""

    WEIGHTS = (
        ("open", 3),
        ("post", 30),
        ("post-bad", 11),
        ("replay", 5),
        ("batch", 4),
        ("batch-bad", 1),
        ("reverse", 5),
        ("reserve", 9),
        ("post-commitment", 5),
        ("void", 3),
        ("expire", 1),
        ("close", 0.4),
        ("end-unit", 4),
    )

    def __init__(self, rng: random.Random, model: LedgerModel) -> None:
        self.rng = rng
        self.model = model
        self.chart = chart()
        self.serial = 0
        # Keys of operations rolled back with their unit, free to use again (journal keys
        # and commitment keys are kept apart: the contract does not say they share a space).
        self.discarded: dict[str, list[str]] = {"journal": [], "commitment": []}
        self._opened_for: tuple[str, ...] = ()
        self._opened: dict[tuple[bool | None, AccountType | None], list[str]] = {}
        self._kinds = [k for k, _ in self.WEIGHTS]
        self._weights = [w for _, w in self.WEIGHTS]

    def next(self) -> Operation:
        kind = self.rng.choices(self._kinds, self._weights)[0]
        return getattr(self, "_" + kind.replace("-", "_"))()  # type: ignore[no-any-return]

    # -- helpers -----------------------------------------------------------------------

    @property
    def month(self) -> int:
        """Months from START to the earliest open period (periods close in order)."""
        return len(self.model.closed)

    def key(self, prefix: str) -> str:
        spare = self.discarded["commitment" if prefix == "c" else "journal"]
        if spare and self.rng.random() < 0.2:
            return spare.pop()  # a rolled-back key must be free again
        self.serial += 1
        return f"{prefix}-{self.serial}"

    def day(self, closed: bool = False) -> date:
        if closed:
            month = self.rng.randrange(0, self.month)
        else:
            month = self.month + self.rng.randrange(OPEN_MONTHS)
        year, index = divmod(START.month - 1 + month, 12)
        return date(START.year + year, index + 1, self.rng.randint(1, 28))

    def amount(self) -> int:
        scale = self.rng.choice((1_000, 1_000_000, 100_000_000, 10_000_000_000))
        return self.rng.randint(1, scale)

    def opened(self, *, guarded: bool | None = None, kind: AccountType | None = None) -> list[str]:
        codes = tuple(self.model.accounts)
        if codes != self._opened_for:  # accounts change rarely: cache the lists until they do
            self._opened_for, self._opened = codes, {}
        found = self._opened.get((guarded, kind))
        if found is None:
            found = self._opened[(guarded, kind)] = [
                a.code
                for a in self.model.accounts.values()
                if (guarded is None or a.guarded == guarded) and (kind is None or a.type is kind)
            ]
        return found

    def funded(self) -> list[str]:
        return [code for code in self.opened(guarded=True) if self.model.available(code) > 0]

    def journal(self, key: str, legs: list[tuple[str, int]], label: str = "") -> JournalRequest:
        return JournalRequest(
            key,
            self.day(),
            f"simulated {label or 'journal'}",
            tuple(Leg(a, n) for a, n in legs),
            reference=f"sim:{self.serial}",
        )

    def balanced_legs(self) -> list[tuple[str, int]]:
        """2-6 legs: funding a guarded account, spending from one (within what it has
        available), or any mix of unguarded accounts."""
        pattern = self.rng.random()
        guarded = self.opened(guarded=True)
        if pattern < 0.25 and guarded:
            account = self.rng.choice(guarded)
            n = self.amount()
            if self.model.accounts[account].type.debit_normal:  # a budget: debit it
                return [(account, n), (self.rng.choice(self.opened(kind=AccountType.EQUITY)), -n)]
            return [(self.rng.choice(self.opened(guarded=False)), n), (account, -n)]
        funded = self.funded()
        if pattern < 0.6 and funded:
            account = self.rng.choice(funded)
            debit_normal = self.model.accounts[account].type.debit_normal
            others = self.opened(kind=AccountType.EXPENDITURE) if debit_normal else self.free()
            count = self.rng.randint(1, min(5, len(others)))
            cap = self.model.available(account)
            parts = [max(1, self.rng.randint(1, max(1, cap // count))) for _ in range(count)]
            sign = 1 if debit_normal else -1  # spending credits a budget, debits a contribution
            legs = list(zip(self.rng.sample(others, count), [sign * p for p in parts], strict=True))
            return [*legs, (account, -sign * sum(parts))]
        free = self.free()
        count = self.rng.randint(2, min(6, len(free)))
        accounts = self.rng.sample(free, count)
        amounts = [self.amount() * self.rng.choice((1, -1)) for _ in range(count - 1)]
        while sum(amounts) == 0 or 0 in amounts:
            amounts[0] += 1  # the last leg balances the others, so they must not cancel out
        return list(zip(accounts, [*amounts, -sum(amounts)], strict=True))

    def free(self) -> list[str]:
        return self.opened(guarded=False)

    def overdraw(self, account: str) -> list[tuple[str, int]]:
        """Legs taking ``account`` (guarded) just below what it has available."""
        over = max(0, self.model.available(account)) + self.rng.randint(1, 10_000)
        if self.model.accounts[account].type.debit_normal:
            return [
                (self.rng.choice(self.opened(kind=AccountType.EXPENDITURE)), over),
                (account, -over),
            ]
        return [(account, over), (self.rng.choice(self.free()), -over)]

    # -- operations --------------------------------------------------------------------

    def _open(self) -> Operation:
        unopened = [a for a in self.chart if a.code not in self.model.accounts]
        roll = self.rng.random()
        if unopened and roll < 0.7:
            return OpenAccount("open:new", self.rng.choice(unopened))
        known = self.rng.choice(list(self.model.accounts.values()))
        if roll < 0.85:
            return OpenAccount("open:again", known)
        other = (
            AccountType.LIABILITY if known.type is not AccountType.LIABILITY else AccountType.INCOME
        )
        return OpenAccount("open:conflict", Account(known.code, known.name, other, known.fund))

    def _post(self) -> Operation:
        return Post("post:good", self.journal(self.key("j"), self.balanced_legs()))

    def _post_bad(self) -> Operation:
        legs = self.balanced_legs()
        how = self.rng.choice(
            ("unbalanced", "unknown-account", "zero-leg", "one-leg", "no-legs", "closed-period",
             "key-conflict", "overdraw")
        )  # fmt: skip
        key, day = self.key("j"), self.day()
        if how == "unbalanced":
            account, amount = legs[0]
            legs[0] = (account, amount + self.rng.choice((1, -1)) * self.rng.randint(1, 99) or 1)
        elif how == "unknown-account":
            legs[-1] = ("place:nowhere:core-2025-26:budget", legs[-1][1])
        elif how == "zero-leg":
            legs.append((self.rng.choice(list(self.model.accounts)), 0))
        elif how == "one-leg":
            legs = legs[:1]
        elif how == "no-legs":
            legs = []
        elif how == "closed-period" and self.month > 0:
            day = self.day(closed=True)
        elif how == "key-conflict" and (posted := self._posted_requests()):
            original = self.rng.choice(posted)
            key = original.key
        elif how == "overdraw" and (guarded := self.opened(guarded=True)):
            legs = self.overdraw(self.rng.choice(guarded))
        request = JournalRequest(
            key, day, "simulated bad journal", tuple(Leg(a, n) for a, n in legs)
        )
        return Post(f"post:bad:{how}", request)

    def _posted_requests(self) -> list[JournalRequest]:
        keys = self.model.journal_keys
        picks = [self.model.journals[self.rng.choice(keys)] for _ in range(4)] if keys else []
        return [j.request for j in picks if j.request is not None]

    def _replay(self) -> Operation:
        posted = self._posted_requests()
        if not posted:
            return self._post()
        return Post("post:replay", posted[0])

    def _batch(self, bad: bool = False) -> Operation:
        size = self.rng.randint(2, 20)
        requests = [self.journal(self.key("b"), self.balanced_legs(), "batch") for _ in range(size)]
        replays = self._posted_requests()
        if replays and self.rng.random() < 0.3:
            requests.insert(self.rng.randrange(size), replays[0])
        label = "batch:good"
        if bad:
            bad_op = self._post_bad()
            assert isinstance(bad_op, Post)
            requests.insert(self.rng.randrange(len(requests) + 1), bad_op.request)
            label = "batch:bad:" + bad_op.label.rsplit(":", 1)[1]
        return PostMany(label, tuple(requests))

    def _batch_bad(self) -> Operation:
        return self._batch(bad=True)

    def _reverse(self) -> Operation:
        model = self.model
        if not model.journal_keys:
            return self._post()
        roll = self.rng.random()
        if roll < 0.15 and model.reversed_by:
            original = self.rng.choice(list(model.reversed_by))
            return Reverse("reverse:twice", original, self.key("r"), self.day())
        if roll < 0.25 and model.reversed_by:
            reversal = self.rng.choice(list(model.reversed_by.values()))
            return Reverse("reverse:a-reversal", reversal, self.key("r"), self.day())
        if roll < 0.3 and self.month > 0:
            original = self.rng.choice(model.journal_keys)
            return Reverse("reverse:closed-period", original, self.key("r"), self.day(closed=True))
        original = self.rng.choice(model.journal_keys)
        return Reverse("reverse:once", original, self.key("r"), self.day())

    def _reserve(self) -> Operation:
        roll = self.rng.random()
        known = self.model.commitment_keys
        if roll < 0.1 and known:
            earlier = self.model.commitments[self.rng.choice(known)].request
            if roll < 0.06:
                return Reserve("reserve:replay", earlier)
            other = CommitmentRequest(
                earlier.key, earlier.debit_account, earlier.credit_account,
                earlier.amount + 1, earlier.reserved_on, earlier.description, earlier.expires_on,
            )  # fmt: skip
            return Reserve("reserve:key-conflict", other)
        account = self.rng.choice(self.funded() or self.opened(guarded=True))
        available = self.model.available(account)
        if self.model.accounts[account].type.debit_normal:  # a budget: the credit side
            debit, credit = self.rng.choice(self.opened(kind=AccountType.EXPENDITURE)), account
        else:  # a contribution: the debit side
            debit, credit = account, self.rng.choice(self.free())
        label, amount = "reserve:within", self.rng.randint(1, max(1, available // 3))
        if roll < 0.25:
            label, amount = "reserve:overcommit", max(1, available + self.rng.randint(1, 10_000))
        elif roll < 0.3:
            label, amount = "reserve:bad-amount", self.rng.choice((0, -1, -available - 1))
        day = self.day()
        expires = (
            day + timedelta(days=self.rng.randint(0, 120)) if self.rng.random() < 0.5 else None
        )
        request = CommitmentRequest(
            self.key("c"), debit, credit, amount, day, "simulated order", expires
        )
        return Reserve(label, request)

    def _pick_commitment(self, pending: bool) -> str | None:
        model = self.model
        if pending:
            keys = list(model.pending_keys)
        else:
            recent = model.commitment_keys[-200:]
            keys = [k for k in recent if model.commitments[k].state is not CommitmentState.PENDING]
        return self.rng.choice(keys) if keys else None

    def _post_commitment(self) -> Operation:
        roll = self.rng.random()
        if roll < 0.05 and (retry := self._retry()) is not None:
            return retry
        settled = roll < 0.12
        chosen = self._pick_commitment(pending=not settled)
        if chosen is None:
            return self._reserve()
        reserved = self.model.commitments[chosen].request.amount
        roll = self.rng.random()
        label, amount = "commit-post:full", None
        if roll < 0.4:
            label, amount = "commit-post:partial", self.rng.randint(1, reserved)
        elif roll < 0.5:
            label, amount = "commit-post:too-much", reserved + self.rng.randint(1, 1000)
        elif roll < 0.55:
            label, amount = "commit-post:bad-amount", self.rng.choice((0, -5))
        day = self.day(closed=roll > 0.95 and self.month > 0)
        if settled:
            label = "commit-post:settled"
        return PostCommitment(label, chosen, self.key("p"), day, amount)

    def _retry(self) -> Operation | None:
        """Post a posted commitment again with the same key, date and amount: a replay."""
        model = self.model
        recent = model.commitment_keys[-200:]
        posted = [k for k in recent if model.commitments[k].state is CommitmentState.POSTED]
        if not posted:
            return None
        commitment = model.commitments[self.rng.choice(posted)]
        key = commitment.journal_key
        assert key is not None
        amount: int | None = commitment.posted_amount
        if amount == commitment.request.amount and self.rng.random() < 0.5:
            amount = None
        day = model.journals[key].posted_on
        return PostCommitment("commit-post:retry", commitment.key, key, day, amount)

    def _void(self) -> Operation:
        settled = self.rng.random() < 0.15
        chosen = self._pick_commitment(pending=not settled)
        if chosen is None:
            return self._reserve()
        return Void("void:settled" if settled else "void:pending", chosen)

    def _expire(self) -> Operation:
        return Expire("expire", self.day())

    def _close(self) -> Operation:
        if self.model.closed and self.rng.random() < 0.2:
            return ClosePeriod("close:again", self.rng.choice(sorted(self.model.closed)))
        return ClosePeriod("close", self._open_period())

    def _open_period(self) -> str:
        year, index = divmod(START.month - 1 + self.month, 12)
        return f"{START.year + year:04d}-{index + 1:02d}"

    def _end_unit(self) -> Operation:
        commit = self.rng.random() < 0.85
        return EndUnit("unit:commit" if commit else "unit:rollback", commit)
