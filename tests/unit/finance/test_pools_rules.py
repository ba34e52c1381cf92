"""What makes a pool valid: the legal basis's partners, the host, lines, shares and caps."""

from __future__ import annotations

from dataclasses import replace
from fractions import Fraction

import pytest

from integrated_care.errors import InvalidInput
from integrated_care.finance.pools import (
    LegalBasis,
    Line,
    LineKind,
    Partner,
    Pool,
    RiskShare,
    Sector,
    ShareBasis,
    check_pool,
    parse_percentages,
)

ICB = Partner("QT1", "NHS Nottingham and Nottinghamshire ICB", Sector.NHS)
CITY = Partner("E06000018", "Nottingham City Council", Sector.LOCAL_AUTHORITY)
TRUST = Partner("RX1", "Nottingham University Hospitals", Sector.NHS)
GOOD = Pool(
    "city-s75",
    "City pool",
    LegalBasis.S75,
    2025,
    CITY.organisation,
    (ICB, CITY),
    (Line("reablement", "Reablement"), Line("risk-pool", "Risk pool", LineKind.RISK_POOL)),
    RiskShare(),
)


def test_a_good_pool_passes() -> None:
    check_pool(GOOD)


def test_percentages_are_exact_and_must_total_100() -> None:
    assert parse_percentages({"QT1": "33.33", "E06000018": "66.67"}) == {
        "QT1": Fraction(3333, 10_000),
        "E06000018": Fraction(6667, 10_000),
    }
    with pytest.raises(InvalidInput, match=r"add up to 99\.99%"):
        parse_percentages({"QT1": "33.33", "E06000018": "66.66"})
    with pytest.raises(InvalidInput, match="share of QT1 is 120%") as error:
        parse_percentages({"QT1": "120", "E06000018": "-20"})
    assert error.value.expected == "a percentage from 0 to 100"


@pytest.mark.parametrize(
    ("change", "input_name", "message"),
    [
        ({"partners": (ICB, TRUST), "host": "RX1"}, "partner", "NHS bodies and local authorities"),
        ({"partners": (ICB,), "host": ICB.organisation}, "partner", "at least two"),
        ({"partners": (ICB, CITY, ICB)}, "partner", "twice"),
        ({"host": "E10000024"}, "host", "not one of the partners"),
        ({"code": "City Pool"}, "code", "not a valid pool code"),
        ({"name": " "}, "name", "needs a name"),
        (
            {"lines": (Line("a", "A", LineKind.RISK_POOL), Line("b", "B", LineKind.RISK_POOL))},
            "line",
            "at most one risk pool",
        ),
        ({"lines": (Line("a", "A"), Line("a", "A again"))}, "line", "twice"),
        (
            {"risk_share": RiskShare(ShareBasis.FIXED_SPLIT, {"QT1": Fraction(1)})},
            "shares",
            "every partner a share",
        ),
        (
            {"risk_share": RiskShare(ShareBasis.PRO_RATA, {"QT1": Fraction(1, 2)})},
            "shares",
            "only apply to the fixed split",
        ),
        ({"risk_share": RiskShare(caps={"RX1": 5})}, "shares", "not partners"),
        ({"risk_share": RiskShare(caps={"QT1": -1})}, "caps", "negative"),
        ({"risk_share": RiskShare(caps={"QT1": 1}, uncapped=True)}, "caps", "not both"),
    ],
)
def test_bad_pools_are_refused(change: dict[str, object], input_name: str, message: str) -> None:
    with pytest.raises(InvalidInput, match=message) as error:
        check_pool(replace(GOOD, **change))  # type: ignore[arg-type]
    assert error.value.input_name == input_name


def test_section_65z5_needs_an_nhs_body_but_councils_may_join() -> None:
    check_pool(replace(GOOD, basis=LegalBasis.S65Z5, partners=(ICB, TRUST), host="QT1"))
    check_pool(replace(GOOD, basis=LegalBasis.S65Z5))
    council_only = (
        CITY,
        Partner("E10000024", "Nottinghamshire County Council", Sector.LOCAL_AUTHORITY),
    )
    with pytest.raises(InvalidInput, match="relevant NHS bodies"):
        check_pool(replace(GOOD, basis=LegalBasis.S65Z5, partners=council_only))
