"""Finance pages: allocations, the single pot and its flows, place budgets, pools."""
