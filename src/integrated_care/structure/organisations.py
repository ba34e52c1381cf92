"""Organisations in an Integrated Care System, with their real codes.

NHS bodies carry ODS codes (``QT1``, ``C84001``); councils carry ONS GSS codes
(``E06000018``). Both are kept: ``code`` is the one the platform uses as the key (ODS for NHS
bodies, GSS for councils, our own slug for bodies with neither).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class OrgKind(StrEnum):
    ICB = "integrated care board"
    SUB_ICB_LOCATION = "sub-ICB location"
    NHS_TRUST = "NHS trust"
    FOUNDATION_TRUST = "NHS foundation trust"
    GP_PRACTICE = "GP practice"
    PCN = "primary care network"
    COUNTY_COUNCIL = "county council"
    DISTRICT_COUNCIL = "district council"
    UNITARY_AUTHORITY = "unitary authority"
    METROPOLITAN_BOROUGH = "metropolitan borough council"
    LONDON_BOROUGH = "London borough council"
    VCSE = "voluntary, community and social enterprise organisation"
    INDEPENDENT_PROVIDER = "independent provider"
    HEALTHWATCH = "Healthwatch"

    @property
    def is_council(self) -> bool:
        return self in COUNCIL_KINDS

    @property
    def is_upper_tier_council(self) -> bool:
        # District councils are lower tier: they sit on place partnerships but are not
        # members of the statutory Integrated Care Partnership.
        return self in COUNCIL_KINDS and self is not OrgKind.DISTRICT_COUNCIL

    @property
    def is_nhs(self) -> bool:
        return self in NHS_KINDS


COUNCIL_KINDS = frozenset(
    {
        OrgKind.COUNTY_COUNCIL,
        OrgKind.DISTRICT_COUNCIL,
        OrgKind.UNITARY_AUTHORITY,
        OrgKind.METROPOLITAN_BOROUGH,
        OrgKind.LONDON_BOROUGH,
    }
)
NHS_KINDS = frozenset(
    {
        OrgKind.ICB,
        OrgKind.SUB_ICB_LOCATION,
        OrgKind.NHS_TRUST,
        OrgKind.FOUNDATION_TRUST,
        OrgKind.GP_PRACTICE,
        OrgKind.PCN,
    }
)

# ONS GSS prefixes of English local authorities and the kind of council that runs each.
_COUNCIL_KIND_BY_GSS_PREFIX = {
    "E06": OrgKind.UNITARY_AUTHORITY,
    "E07": OrgKind.DISTRICT_COUNCIL,
    "E08": OrgKind.METROPOLITAN_BOROUGH,
    "E09": OrgKind.LONDON_BOROUGH,
    "E10": OrgKind.COUNTY_COUNCIL,
}


def council_kind_for(gss_code: str) -> OrgKind:
    """The kind of council for an English local authority GSS code (E06–E10)."""
    try:
        return _COUNCIL_KIND_BY_GSS_PREFIX[gss_code[:3]]
    except KeyError:
        raise ValueError(f"{gss_code!r} is not an English local authority code") from None


@dataclass(frozen=True, slots=True)
class Organisation:
    code: str
    name: str
    kind: OrgKind
    ods_code: str | None = None
    gss_code: str | None = None
    # The organisation this one sits under: a practice's PCN, a PCN's sub-ICB location.
    parent_code: str | None = None

    def __post_init__(self) -> None:
        if not self.code.strip():
            raise ValueError("an organisation needs a code")
        if not self.name.strip():
            raise ValueError(f"organisation {self.code} needs a name")


@dataclass(frozen=True, slots=True)
class Practice:
    """A GP practice with its registered list (the NHS's own count of its patients)."""

    code: str
    name: str
    pcn_code: str | None
    sub_icb_code: str
    registered_patients: int
    postcode: str | None = None

    def __post_init__(self) -> None:
        if self.registered_patients < 0:
            raise ValueError(f"practice {self.code}: registered patients cannot be negative")
