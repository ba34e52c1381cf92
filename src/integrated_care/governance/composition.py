"""Who must sit on a body: composition rules as data, and a check that says what is missing.

Three sources, each rule carrying its citation:

* statute: an ICB board has a chair, a chief executive and at least three other ("ordinary")
  members (NHS Act 2006 Sch 1B para 3); an integrated care partnership has one member
  appointed by the ICB and one by each responsible local authority (s.116ZA LGPIHA 2007); a
  Health and Wellbeing Board has at least one councillor, the directors of adult social
  services, children's services and public health, a Local Healthwatch representative and a
  representative of each relevant ICB (s.194(2) HSCA 2012);
* NHS England policy for ICB boards (model constitution; guidance on ICB constitutions):
  directors of finance, medicine and nursing; at least two non-executive members; at least
  three partner members, one nominated by each of NHS trusts/FTs, primary medical services
  and local authorities; one member with knowledge of mental health services;
* local rules, as data (``parse_local_rule``), e.g. "a councillor sits on the board".

Only seats held on the day count; participants and observers never count towards a minimum
unless the rule says so (they attend, they are not members). Who appointed a seat is its
``nominated_by``, else the organisation its holder comes from.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date

from integrated_care.errors import InvalidInput
from integrated_care.governance.composition_rule import (
    ATTENDEES,
    PARTNERS,
    CompositionRule,
    Source,
    Unmet,
    local_rule_to_data,
    parse_local_rule,
    parse_local_rules,
)
from integrated_care.governance.model import (
    COUNCILLOR,
    DIRECTOR_OF_ADULT_SOCIAL_SERVICES,
    DIRECTOR_OF_CHILDRENS_SERVICES,
    DIRECTOR_OF_PUBLIC_HEALTH,
    FINANCE_DIRECTOR,
    HEALTHWATCH,
    MEDICAL_DIRECTOR,
    MENTAL_HEALTH_EXPERTISE,
    NURSING_DIRECTOR,
    BodyKind,
    Seat,
    SeatType,
)

__all__ = [
    "ATTENDEES",
    "HWB_RULES",
    "ICB_BOARD_RULES",
    "PARTNERS",
    "CompositionRule",
    "Source",
    "Unmet",
    "local_rule_to_data",
    "parse_local_rule",
    "parse_local_rules",
    "rules_for",
    "validate_composition",
]


SCH_1B = "NHS Act 2006 Schedule 1B paragraph 3"
NHSE = "NHS England model ICB constitution and guidance on ICB constitutions"
S116ZA = "Local Government and Public Involvement in Health Act 2007 s.116ZA"
S194 = "Health and Social Care Act 2012 s.194(2)"


def _table(
    source: Source, citation: str, rows: Sequence[tuple[str, str, int, int | None, object]]
) -> tuple[CompositionRule, ...]:
    """Rules from compact rows: (id, noun, min, max, seat types or classes to match)."""
    rules = []
    for rule_id, noun, minimum, maximum, match in rows:
        assert isinstance(match, frozenset)
        types = frozenset(m for m in match if isinstance(m, SeatType))
        classes = frozenset(str(m) for m in match if not isinstance(m, SeatType))
        rules.append(
            CompositionRule(rule_id, source, citation, noun, minimum, maximum, types, classes)
        )
    return tuple(rules)


_ORDINARY = "ordinary member (besides the chair and chief executive)"
ICB_BOARD_RULES = (
    *_table(
        Source.STATUTE,
        SCH_1B,
        [
            ("icb-chair", "chair", 1, 1, frozenset({SeatType.CHAIR})),
            ("icb-chief-executive", "chief executive", 1, 1, frozenset({SeatType.CHIEF_EXECUTIVE})),
        ],
    ),
    CompositionRule(
        "icb-ordinary-members",
        Source.STATUTE,
        SCH_1B,
        _ORDINARY,
        3,
        exclude_seat_types=frozenset({SeatType.CHAIR, SeatType.CHIEF_EXECUTIVE}),
        plural=_ORDINARY.replace("member", "members", 1),
    ),
    *_table(
        Source.POLICY,
        NHSE,
        [
            ("icb-finance-director", "director of finance", 1, None, frozenset({FINANCE_DIRECTOR})),
            ("icb-medical-director", "medical director", 1, None, frozenset({MEDICAL_DIRECTOR})),
            ("icb-nursing-director", "director of nursing", 1, None, frozenset({NURSING_DIRECTOR})),
            (
                "icb-non-executives",
                "non-executive member",
                2,
                None,
                frozenset({SeatType.NON_EXECUTIVE}),
            ),
            ("icb-partner-members", "partner member", 3, None, PARTNERS),
            (
                "icb-partner-nhs-trusts",
                "partner member nominated by NHS trusts and foundation trusts",
                1,
                None,
                frozenset({SeatType.PARTNER_NHS_TRUST}),
            ),
            (
                "icb-partner-primary-medical",
                "partner member nominated by providers of primary medical services",
                1,
                None,
                frozenset({SeatType.PARTNER_PRIMARY_MEDICAL}),
            ),
            (
                "icb-partner-local-authorities",
                "partner member nominated by the local authorities",
                1,
                None,
                frozenset({SeatType.PARTNER_LOCAL_AUTHORITY}),
            ),
            (
                "icb-mental-health",
                "member with knowledge and experience of mental health services",
                1,
                None,
                frozenset({MENTAL_HEALTH_EXPERTISE}),
            ),
        ],
    ),
)

HWB_RULES = _table(
    Source.STATUTE,
    S194,
    [
        ("hwb-councillor", "councillor", 1, None, frozenset({COUNCILLOR})),
        (
            "hwb-adult-social-services",
            "director of adult social services",
            1,
            None,
            frozenset({DIRECTOR_OF_ADULT_SOCIAL_SERVICES}),
        ),
        (
            "hwb-childrens-services",
            "director of children's services",
            1,
            None,
            frozenset({DIRECTOR_OF_CHILDRENS_SERVICES}),
        ),
        (
            "hwb-public-health",
            "director of public health",
            1,
            None,
            frozenset({DIRECTOR_OF_PUBLIC_HEALTH}),
        ),
        (
            "hwb-healthwatch",
            "representative of the Local Healthwatch organisation",
            1,
            None,
            frozenset({HEALTHWATCH}),
        ),
    ],
)


def _named(code: str, names: Mapping[str, str]) -> str:
    return f"{names[code]} ({code})" if code in names else code


def rules_for(
    kind: BodyKind,
    *,
    responsible_authorities: Sequence[str] = (),
    icbs: Sequence[str] = (),
    organisation_names: Mapping[str, str] | None = None,
) -> tuple[CompositionRule, ...]:
    """The statutory and NHS England rules for a body kind (local rules come on top).

    An ICP needs its ICB (``icbs``, one code) and its responsible local authorities; a Health
    and Wellbeing Board needs each relevant ICB (``icbs``). Other kinds have no national rule.
    """
    names = organisation_names or {}
    if kind is BodyKind.ICB_BOARD:
        return ICB_BOARD_RULES
    if kind is BodyKind.INTEGRATED_CARE_PARTNERSHIP:
        if len(icbs) != 1 or not responsible_authorities:
            raise InvalidInput(
                "An integrated care partnership is the joint committee of one ICB and its "
                "responsible local authorities: give the ICB's code and at least one authority.",
                input_name="icbs" if len(icbs) != 1 else "responsible_authorities",
                expected="one ICB code and the responsible local authorities' codes",
            )
        appointers = [(icbs[0], "icb")] + [(code, "la") for code in responsible_authorities]
        return tuple(
            CompositionRule(
                f"icp-appointed-by-{code}",
                Source.STATUTE,
                S116ZA,
                f"member appointed by {'the ICB, ' if what == 'icb' else ''}{_named(code, names)}",
                appointed_by=code,
            )
            for code, what in appointers
        )
    if kind is BodyKind.HEALTH_AND_WELLBEING_BOARD:
        if not icbs:
            raise InvalidInput(
                "A Health and Wellbeing Board needs a representative of each relevant ICB: "
                "give the relevant ICBs' codes.",
                input_name="icbs",
                expected="at least one ICB code",
            )
        return HWB_RULES + tuple(
            CompositionRule(
                f"hwb-icb-{code}",
                Source.STATUTE,
                S194,
                f"representative of {_named(code, names)}",
                organisation=code,
            )
            for code in icbs
        )
    return ()


def validate_composition(
    kind: BodyKind,
    seats: Sequence[Seat],
    day: date,
    *,
    local_rules: Sequence[CompositionRule] = (),
    responsible_authorities: Sequence[str] = (),
    icbs: Sequence[str] = (),
    organisation_names: Mapping[str, str] | None = None,
) -> list[Unmet]:
    """Every rule the seats held on ``day`` do not meet, statute first, then policy, local."""
    held = [s for s in seats if s.held_on(day)]
    rules = rules_for(
        kind,
        responsible_authorities=responsible_authorities,
        icbs=icbs,
        organisation_names=organisation_names,
    )
    label = str(kind)[0].upper() + str(kind)[1:]
    unmet: list[Unmet] = []
    for rule in (*rules, *local_rules):
        found = sum(1 for seat in held if rule.matches(seat))
        too_many = rule.maximum is not None and found > rule.maximum
        if found < rule.minimum or too_many:
            message = (
                f"{label} needs {rule.requirement()}; it has {found or 'none'} on {day.isoformat()}"
            )
            unmet.append(Unmet(rule.rule_id, rule.source, rule.citation, found, message))
    return unmet
