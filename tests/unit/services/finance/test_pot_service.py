"""Receiving the single pot's streams and summarising it, on SQLite and PostgreSQL.

Expected allocations are NHS England's published figures, read raw from the shared data
folder (2024/25) or quoted from the 2025/26 publication in £m (research note §7.4)."""

from __future__ import annotations

import csv
import json
from collections.abc import Callable
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import pytest
from sqlalchemy import Engine

from integrated_care.access import LOCAL_OPERATOR, Actor, Role
from integrated_care.errors import Conflict, Forbidden, InvalidInput
from integrated_care.finance.chart import Stream
from integrated_care.finance.single_pot import Allocation, load_published, parse_allocation
from integrated_care.services.finance import single_pot
from integrated_care.workspace import Workspace

SYSTEM = "QT1"
SHARED = Path("/work/shared/data/allocations")
RowCounts = Callable[[Engine], dict[str, int]]


def _published_2024_25() -> dict[str, dict[str, str]]:
    with (SHARED / "icb_allocations_2024_25.csv").open(encoding="utf-8", newline="") as handle:
        return {r["stream"]: r for r in csv.DictReader(handle) if r["icb_ods_code"] == SYSTEM}


def _pence(k: str) -> int:
    return int((Decimal(k) * 100_000).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def _allocation_2025_26(**amounts: str) -> Allocation:
    lines = [{"stream": s.replace("_", "-"), "amount": v} for s, v in amounts.items()]
    text = json.dumps({"year": "2025/26", "unit": "£m", "source": "NHSE 2025/26", "lines": lines})
    return parse_allocation(json.loads(text, parse_float=Decimal))


def test_receiving_the_published_2024_25_allocation(qt1: Workspace) -> None:
    rows = _published_2024_25()
    with qt1.uow() as uow:
        posted = single_pot.receive(uow, SYSTEM, load_published(SYSTEM, 2024), actor=LOCAL_OPERATOR)
        uow.commit()
    assert all(not p.replayed for p in posted)
    with qt1.uow() as uow:
        pot = single_pot.pot(uow, SYSTEM, 2024)
    lines = {x.stream: x for x in pot.lines}
    assert lines[Stream.CORE].allocated == _pence(rows["core"]["recurrent_allocation_k"])
    assert lines[Stream.PMC].allocated == _pence(rows["pmc"]["recurrent_allocation_k"])
    assert lines[Stream.POD].allocated == _pence(
        rows["other_primary_care"]["recurrent_allocation_k"]
    )
    assert lines[Stream.RCA].allocated == _pence(rows["rca"]["recurrent_allocation_k"])
    assert lines[Stream.NON_RECURRENT].allocated == _pence(rows["core"]["add_ons_k"])
    for line in pot.lines:
        assert line.unallocated == line.allocated
        assert (line.delegated, line.pooled, line.committed, line.spent) == (0, 0, 0, 0)


def test_receiving_again_is_a_replay_and_a_changed_amount_a_conflict(
    qt1: Workspace, row_counts: RowCounts
) -> None:
    allocation = _allocation_2025_26(core="2368.9")
    with qt1.uow() as uow:
        single_pot.receive(uow, SYSTEM, allocation, actor=LOCAL_OPERATOR)
        uow.commit()
    before = row_counts(qt1.engine)
    with qt1.uow() as uow:
        again = single_pot.receive(uow, SYSTEM, allocation, actor=LOCAL_OPERATOR)
        uow.commit()
    assert [p.replayed for p in again] == [True]
    # Nothing new but the ledger's audit entry for the replayed request.
    after = row_counts(qt1.engine)
    assert after.pop("audit_log") == before.pop("audit_log") + 1
    assert after == before
    before = row_counts(qt1.engine)
    with qt1.uow() as uow, pytest.raises(Conflict):
        single_pot.receive(uow, SYSTEM, _allocation_2025_26(core="2369.0"), actor=LOCAL_OPERATOR)
    assert row_counts(qt1.engine) == before
    with qt1.uow() as uow:  # a revision under its own reference adds to the stream
        single_pot.receive(
            uow, SYSTEM, _allocation_2025_26(core="0.1"), actor=LOCAL_OPERATOR, reference="m6"
        )
        uow.commit()
    with qt1.uow() as uow:
        core = single_pot.pot(uow, SYSTEM, 2025).lines[0]
    assert core.allocated == 236_900_000_000  # £2,368.9m + £0.1m


@pytest.mark.parametrize(
    ("kwargs", "input_name"),
    [
        ({"posted_on": date(2026, 4, 1)}, "posted_on"),
        ({"reference": "a:b"}, "reference"),
        ({"reference": " "}, "reference"),
    ],
)
def test_bad_receipts_are_refused_and_write_nothing(
    qt1: Workspace, row_counts: RowCounts, kwargs: dict[str, object], input_name: str
) -> None:
    before = row_counts(qt1.engine)
    with qt1.uow() as uow, pytest.raises(InvalidInput) as error:
        single_pot.receive(
            uow,
            SYSTEM,
            _allocation_2025_26(core="1"),
            actor=LOCAL_OPERATOR,
            **kwargs,  # type: ignore[arg-type]
        )
    assert error.value.input_name == input_name
    assert row_counts(qt1.engine) == before


def test_only_finance_roles_receive(qt1: Workspace) -> None:
    with qt1.uow() as uow, pytest.raises(Forbidden):
        single_pot.receive(
            uow, SYSTEM, _allocation_2025_26(core="1"), actor=Actor("a", Role.ANALYST)
        )


def test_retained_spending_and_ring_fences_show_in_the_pot(qt1: Workspace) -> None:
    with qt1.uow() as uow:
        single_pot.receive(
            uow, SYSTEM, _allocation_2025_26(core="100", rca="17.9"), actor=LOCAL_OPERATOR
        )
        for key, stream, line, pence in (
            ("s1", Stream.CORE, "specialist-services", 1_000_000_00),  # £1m
            ("s2", Stream.RCA, "running-costs", 500_000_00),  # £0.5m
        ):
            single_pot.spend(
                uow, SYSTEM, year=2025, stream=stream, line=line, amount=pence,
                posted_on=date(2025, 5, 1), key=key, description="", actor=LOCAL_OPERATOR,
            )  # fmt: skip
        single_pot.ringfence(
            uow, SYSTEM, year=2025, stream=Stream.CORE, line="mental-health",
            amount=20_000_000_00, posted_on=date(2025, 4, 1), key="r1", actor=LOCAL_OPERATOR,
        )  # fmt: skip
        single_pot.spend(
            uow, SYSTEM, year=2025, stream=Stream.CORE, line="mental-health", amount=300_000_00,
            posted_on=date(2025, 5, 1), key="s3", description="", actor=LOCAL_OPERATOR,
            from_ringfence=True,
        )  # fmt: skip
        uow.commit()
    with qt1.uow() as uow:
        pot = single_pot.pot(uow, SYSTEM, 2025)
        found = single_pot.pot_flows(uow, SYSTEM, 2025)
    core, rca = pot.lines[0], pot.lines[4]
    assert core.allocated == 100_000_000_00
    assert core.spent == 1_300_000_00
    assert pot.ringfenced == 19_700_000_00
    # £100m - £1m specialist - £20m ring-fenced
    assert core.unallocated == 79_000_000_00
    assert (rca.allocated, rca.spent, rca.unallocated) == (17_900_000_00, 500_000_00, 17_400_000_00)
    edges = {(f.source.key, f.target.key): f.amount for f in found}
    assert edges[("stream:core", "pot")] == 100_000_000_00
    assert edges[("retained", "spend:mental-health")] == 300_000_00
    assert edges[("pot", "unallocated")] == 79_000_000_00 + 19_700_000_00 + 17_400_000_00
    # What entered the pot left it or is still in it.
    into = sum(v for (s, t), v in edges.items() if t == "pot")
    out_of = sum(v for (s, t), v in edges.items() if s == "pot")
    assert into == out_of == 117_900_000_00


def test_spending_more_than_a_positive_amount_is_refused(qt1: Workspace) -> None:
    with qt1.uow() as uow, pytest.raises(InvalidInput) as error:
        single_pot.spend(
            uow, SYSTEM, year=2025, stream=Stream.CORE, line="x", amount=0,
            posted_on=date(2025, 5, 1), key="k", description="", actor=LOCAL_OPERATOR,
        )  # fmt: skip
    assert error.value.input_name == "amount"
    with qt1.uow() as uow, pytest.raises(InvalidInput) as error2:
        single_pot.spend(
            uow, SYSTEM, year=2025, stream=Stream.BCF, line="x", amount=1,
            posted_on=date(2025, 5, 1), key="k", description="", actor=LOCAL_OPERATOR,
        )  # fmt: skip
    assert error2.value.input_name == "stream"
