"""The demo's money: N&N's 2025/26 single pot delegated to its four places (``finance_pot``),
then a section 75 pool with the city council, the Better Care Fund plan and the county
council's declined running-cost contribution (``finance_partnerships``)."""

from __future__ import annotations

from integrated_care.demo import finance_partnerships, finance_pot
from integrated_care.persistence.uow import UnitOfWork


def build_finance(uow: UnitOfWork, system_code: str) -> None:
    finance_pot.build(uow, system_code)
    finance_partnerships.build(uow, system_code)
