"""Reading account codes by the chart's convention (``finance.chart``): who owns an account
(the ICB, a place, a pool or a partner organisation), its fund, its purpose and its line.

    icb:<fund>:<purpose>[:<line>]            e.g. icb:core-2025-26:spend:acute-services
    place:<place>:<fund>:<purpose>[:<line>]  e.g. place:bassetlaw:core-2025-26:budget
    pool:<pool>:<fund>:<purpose>[:<line>]    e.g. pool:city-s75:s75-2025-26:partner:E06000018
    org:<org>:<fund>:<purpose>               e.g. org:E10000024:running-costs-2020-21:contribution
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_FUND = re.compile(r"^([a-z0-9]+(?:-[a-z0-9]+)*)-(\d{4})-(\d{2})$")
OWNER_KINDS = ("icb", "place", "pool", "org")


@dataclass(frozen=True, slots=True)
class AccountRef:
    """An account code read by the chart's convention (see ``finance.chart``)."""

    code: str
    owner_kind: str  # icb | place | pool | org | other
    owner: str  # the place, pool or organisation code ('' for the ICB and others)
    fund: str | None
    purpose: str  # nhse-funding, unallocated, budget, spend, ringfence, fund, partner, ...
    line: str  # the spend or ring-fence line, or the partner's code; '' if none

    @property
    def year(self) -> int | None:
        m = _FUND.match(self.fund or "")
        return int(m.group(2)) if m else None

    @property
    def stream(self) -> str | None:
        m = _FUND.match(self.fund or "")
        return m.group(1) if m else None


def parse_account(code: str) -> AccountRef:
    """'place:bassetlaw:core-2025-26:spend:community' -> place, bassetlaw, core-2025-26,
    spend, community. Codes outside the convention read as owner kind 'other'."""
    parts = code.split(":")
    kind = parts[0] if parts[0] in OWNER_KINDS else "other"
    rest = parts[1:] if kind == "icb" else parts[2:] if kind != "other" else []
    owner = parts[1] if kind in ("place", "pool", "org") and len(parts) > 1 else ""
    if kind == "other" or not rest or not _FUND.match(rest[0]):
        return AccountRef(code, "other", "", None, "", "")
    fund, purpose, line = rest[0], rest[1] if len(rest) > 1 else "", ":".join(rest[2:])
    return AccountRef(code, kind, owner, fund, purpose, line)
