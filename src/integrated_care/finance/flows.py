"""Where the single pot's money went, as flows between groups of accounts (for the Sankey).

Every journal moves money from the accounts it credits to the accounts it debits. Each
account belongs to a chain of groups laid out in four columns:

    0 sources      NHS England's streams; partners contributing to pools or running costs
    1 the pot      the ICB's unallocated (and ring-fenced) funds
    2 holders      places' budgets, pools, and the ICB itself for what it spends directly
    3 uses         spend lines (community services, mental health, ...)

so a delegation (Dr place budget / Cr unallocated) is a flow pot -> place, a place's spend
(Dr place spend / Cr place budget) a flow place -> spend line, and what the ICB spends
itself a flow pot -> 'retained by the ICB' -> spend line. A journal with several legs is
paired greedily, credits and debits in leg order, so every penny is assigned exactly once.
A flow against the columns (a reversal) nets off the forward flow. Pure and deterministic.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from itertools import pairwise

from integrated_care.finance.account_codes import AccountRef, parse_account
from integrated_care.finance.chart import Stream
from integrated_care.finance.ledger.model import Leg
from integrated_care.finance.single_pot import STREAM_LABELS

SOURCE, POT, HOLDER, USE = 0, 1, 2, 3
POT_KEY = "pot"
UNALLOCATED_KEY = "unallocated"


@dataclass(frozen=True, slots=True, order=True)
class Node:
    column: int
    key: str  # e.g. 'stream:core', 'pot', 'place:bassetlaw', 'pool:x', 'spend:community'
    label: str


@dataclass(frozen=True, slots=True)
class Transfer:
    """Money moved by one journal from one account (credited) to another (debited)."""

    credit: str
    debit: str
    amount: int  # pence > 0


@dataclass(frozen=True, slots=True)
class Flow:
    source: Node
    target: Node
    amount: int  # pence > 0


ACRONYMS = {"gp": "GP", "gps": "GPs", "nhs": "NHS", "icb": "ICB", "bcf": "BCF", "ae": "A&E"}


def line_label(line: str) -> str:
    """'community-services' -> 'Community services'; 'gp-services' -> 'GP services'."""
    words = [ACRONYMS.get(w, w) for w in line.split("-") if w]
    if not words:
        return "Unspecified"
    return " ".join([words[0][:1].upper() + words[0][1:], *words[1:]])


def transfers(legs: Sequence[Leg]) -> list[Transfer]:
    """Pair a journal's credits with its debits, in leg order, penny for penny."""
    givers = [leg.account for leg in legs if leg.amount < 0]
    given = [-leg.amount for leg in legs if leg.amount < 0]
    takers = [leg.account for leg in legs if leg.amount > 0]
    taken = [leg.amount for leg in legs if leg.amount > 0]
    found: list[Transfer] = []
    i = j = 0
    while i < len(givers) and j < len(takers):
        amount = min(given[i], taken[j])
        if givers[i] != takers[j]:
            found.append(Transfer(givers[i], takers[j], amount))
        given[i] -= amount
        taken[j] -= amount
        if given[i] == 0:
            i += 1
        if taken[j] == 0:
            j += 1
    return found


@dataclass(frozen=True, slots=True)
class Names:
    """Display names for places and organisations (codes are shown where none is given)."""

    places: Mapping[str, str]
    organisations: Mapping[str, str]
    pools: Mapping[str, str]

    def place(self, code: str) -> str:
        return self.places.get(code, code)

    def organisation(self, code: str) -> str:
        return self.organisations.get(code, code)

    def pool(self, code: str) -> str:
        return self.pools.get(code, code)


NO_NAMES = Names({}, {}, {})


def _stream_label(ref: AccountRef) -> str:
    try:
        return STREAM_LABELS[Stream(ref.stream or "")]
    except ValueError:
        return str(ref.stream)


def chain(ref: AccountRef, names: Names = NO_NAMES) -> tuple[Node, ...]:
    """The groups an account stands for, from upstream to downstream."""
    spend = Node(USE, f"spend:{ref.line}", line_label(ref.line))
    if ref.owner_kind == "icb":
        if ref.purpose == "nhse-funding":
            return (Node(SOURCE, f"stream:{ref.stream}", _stream_label(ref)),)
        if ref.purpose == "spend":
            return (Node(HOLDER, "retained", "Retained by the ICB"), spend)
        return (Node(POT, POT_KEY, "ICB single pot"),)
    if ref.owner_kind == "place":
        place = Node(HOLDER, f"place:{ref.owner}", f"Place: {names.place(ref.owner)}")
        return (place, spend) if ref.purpose == "spend" else (place,)
    if ref.owner_kind == "pool":
        if ref.purpose == "partner":
            return (Node(SOURCE, f"partner:{ref.line}", names.organisation(ref.line)),)
        pool = Node(HOLDER, f"pool:{ref.owner}", f"Pool: {names.pool(ref.owner)}")
        return (pool, spend) if ref.purpose == "spend" else (pool,)
    if ref.owner_kind == "org":
        return (Node(SOURCE, f"partner:{ref.owner}", names.organisation(ref.owner)),)
    return (Node(HOLDER, "other", "Other accounts"),)


def _edges(path: Sequence[Node]) -> list[tuple[Node, Node]]:
    cleaned = [n for i, n in enumerate(path) if i == 0 or n != path[i - 1]]
    return list(pairwise(cleaned))


def flows(moves: Iterable[Transfer], names: Names = NO_NAMES) -> list[Flow]:
    """Net flows between groups, largest first (ties by the groups' keys)."""
    totals: dict[tuple[Node, Node], int] = {}
    for move in moves:
        source, target = (
            chain(parse_account(move.credit), names),
            chain(parse_account(move.debit), names),
        )
        amount = move.amount
        if source[-1].column > target[-1].column:  # a reversal: net it off the way forward
            source, target, amount = target, source, -amount
        for edge in _edges([source[-1], *target]):
            totals[edge] = totals.get(edge, 0) + amount
    found = [Flow(s, t, v) for (s, t), v in totals.items() if v > 0]
    return sorted(found, key=lambda f: (-f.amount, f.source.key, f.target.key))


def pooled_by_fund(moves: Iterable[Transfer]) -> dict[str, int]:
    """What left the ICB's own accounts for pools, net, by the ICB fund it came from."""
    found: dict[str, int] = {}
    for move in moves:
        credit, debit = parse_account(move.credit), parse_account(move.debit)
        if credit.owner_kind == "icb" and debit.owner_kind == "pool" and credit.fund:
            found[credit.fund] = found.get(credit.fund, 0) + move.amount
        elif debit.owner_kind == "icb" and credit.owner_kind == "pool" and debit.fund:
            found[debit.fund] = found.get(debit.fund, 0) - move.amount
    return found


def with_unallocated(found: list[Flow], unallocated: int) -> list[Flow]:
    """Add what is still in the pot (unallocated or ring-fenced) as a flow to 'still in the
    pot' (if above zero), so the pot's width shows everything it received."""
    if unallocated <= 0:
        return found
    pot = Node(POT, POT_KEY, "ICB single pot")
    rest = Node(HOLDER, UNALLOCATED_KEY, "Still in the pot")
    return [*found, Flow(pot, rest, unallocated)]
