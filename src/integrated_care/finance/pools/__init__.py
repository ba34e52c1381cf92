"""Section 75 (and section 65Z5) pooled budgets: partners, lines, contributions, risk-share
rules and the year-end settlement. Pure: no database, no I/O."""

from __future__ import annotations

from integrated_care.finance.pools.model import (
    Contribution,
    LegalBasis,
    Line,
    LineKind,
    Outturn,
    Partner,
    Pool,
    RiskShare,
    Sector,
    ShareBasis,
    UnderspendRule,
    check_code,
    check_contributions,
    check_outturns,
    check_pool,
    check_risk_share,
    parse_percentages,
)
from integrated_care.finance.pools.settlement import (
    LineResult,
    PartnerResult,
    Settlement,
    Waterfall,
    calls_due,
    settle,
    split_capped,
    still_due,
)

__all__ = [
    "Contribution",
    "LegalBasis",
    "Line",
    "LineKind",
    "LineResult",
    "Outturn",
    "Partner",
    "PartnerResult",
    "Pool",
    "RiskShare",
    "Sector",
    "Settlement",
    "ShareBasis",
    "UnderspendRule",
    "Waterfall",
    "calls_due",
    "check_code",
    "check_contributions",
    "check_outturns",
    "check_pool",
    "check_risk_share",
    "parse_percentages",
    "settle",
    "split_capped",
    "still_due",
]
