"""Money: the single pot, fair-shares allocations, delegation to places, pooled budgets, the
Better Care Fund, partner contributions and the double-entry ledger under them all.

Pure code lives here (no database, no I/O); the use cases are in ``services.finance`` and the
tables in ``persistence.finance_*``. Amounts are integer pence everywhere, or ``Decimal`` at
a stated scale where a published figure has one (allocations in £ thousand). Never float.
"""
