"""Organisations: councils by their ONS code prefix, and what every organisation needs."""

from __future__ import annotations

import pytest

from integrated_care.structure.organisations import Organisation, OrgKind, council_kind_for


@pytest.mark.parametrize(
    ("gss", "kind"),
    [
        ("E06000018", OrgKind.UNITARY_AUTHORITY),  # Nottingham
        ("E07000176", OrgKind.DISTRICT_COUNCIL),  # Rushcliffe
        ("E08000025", OrgKind.METROPOLITAN_BOROUGH),  # Birmingham
        ("E09000033", OrgKind.LONDON_BOROUGH),  # Westminster
        ("E10000024", OrgKind.COUNTY_COUNCIL),  # Nottinghamshire
    ],
)
def test_the_kind_of_council_follows_the_ons_code_prefix(gss: str, kind: OrgKind) -> None:
    assert council_kind_for(gss) is kind
    assert kind.is_council


@pytest.mark.parametrize("code", ["E54000060", "W06000015", "QT1", ""])
def test_a_code_that_is_not_an_english_local_authority_is_refused(code: str) -> None:
    with pytest.raises(ValueError, match="not an English local authority code"):
        council_kind_for(code)


def test_district_councils_are_the_only_lower_tier_councils() -> None:
    upper = {k for k in OrgKind if k.is_upper_tier_council}
    assert upper == {
        OrgKind.COUNTY_COUNCIL,
        OrgKind.UNITARY_AUTHORITY,
        OrgKind.METROPOLITAN_BOROUGH,
        OrgKind.LONDON_BOROUGH,
    }


def test_nhs_bodies_are_not_councils() -> None:
    for kind in (OrgKind.ICB, OrgKind.PCN, OrgKind.GP_PRACTICE, OrgKind.FOUNDATION_TRUST):
        assert kind.is_nhs
        assert not kind.is_council
    assert not OrgKind.VCSE.is_nhs
    assert not OrgKind.HEALTHWATCH.is_council


@pytest.mark.parametrize(("code", "name"), [("", "A name"), ("  ", "A name"), ("QT1", " ")])
def test_an_organisation_needs_a_code_and_a_name(code: str, name: str) -> None:
    with pytest.raises(ValueError, match="needs a"):
        Organisation(code, name, OrgKind.ICB)
