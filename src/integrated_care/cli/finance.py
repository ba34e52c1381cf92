"""``ics finance``: allocations, the ledger, the single pot and places, pools and partners.

Each part registers its own commands (Dispatch-style, one module per part):
``finance_allocations`` (allocate, targets), ``finance_ledger`` (accounts, journals,
commitments, periods, the simulator), ``finance_pot`` (the single pot, delegation to
places, the scheme of delegation, duties) and ``finance_partnerships`` (section 75 pools,
the Better Care Fund, partner contributions).
"""

from __future__ import annotations

import typer

from integrated_care.cli import (
    finance_allocations,
    finance_ledger,
    finance_partnerships,
    finance_pot,
    finance_simulate,
)

app = typer.Typer(
    help="Money: allocations, the ledger, delegation to places, pools and contributions.",
    no_args_is_help=True,
)
for part in (finance_allocations, finance_ledger, finance_pot, finance_partnerships):
    part.register(app)
finance_simulate.register(app)
