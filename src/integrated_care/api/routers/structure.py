"""The system's structure: public reads on any date, and changes to places and partners.

Reads are public (the structure of an ICS is public information). Writes need a signed-in
user whose role may change the structure (analyst or admin); the services check the role.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Query, status

from integrated_care.api.deps import SignedInDep, UowDep, WorkspaceDep, current_actor
from integrated_care.api.schemas.common import IsoDate, error_responses
from integrated_care.api.schemas.structure import (
    CountsRead,
    ImdRead,
    OrganisationCreate,
    OrganisationRead,
    PcnInPlaceRead,
    PcnRead,
    PcnSummaryRead,
    PlaceCreate,
    PlaceRead,
    PlaceSpecCreate,
    PlaceSummaryRead,
    PracticeInPlaceRead,
    PracticeRead,
    ReconfigureCreate,
    ReconfigureRead,
    StructureRead,
    SystemRead,
    ValidationRead,
    VersionRead,
    pcn_members,
    places_holding,
    practices_of,
)
from integrated_care.errors import IcsError, NotFound
from integrated_care.persistence.uow import UnitOfWork
from integrated_care.services import reference_area
from integrated_care.services.structure import (
    PlaceSpec,
    define_place,
    load_model,
    reconfigure_places,
)
from integrated_care.services.structure import add_organisation as add_org
from integrated_care.structure.organisations import Organisation, OrgKind, Practice
from integrated_care.structure.population import deprivation, registered_population
from integrated_care.structure.system import SystemModel
from integrated_care.structure.tree import NO_PCN_CODE, build_tree
from integrated_care.structure.validation import validate
from integrated_care.workspace import Workspace

# Reads are public, but a token that is sent must be valid: a wrong one answers 401.
router = APIRouter(tags=["structure"], dependencies=[Depends(current_actor)])

AsOf = Annotated[IsoDate | None, Query(description="The date, YYYY-MM-DD (default: today).")]
Depth = Literal["place", "pcn", "practice"]
LEVELS: tuple[Depth, ...] = ("place", "pcn", "practice")
READ_ERRORS = error_responses(404, 422)
WRITE_ERRORS = error_responses(400, 401, 403, 404, 409, 422)


class NotHere(IcsError):
    """A real code, but not in this system (another ICB's) or not on that date."""

    status_code = 404
    code = "not_found"


def _model(uow: UnitOfWork, workspace: Workspace) -> SystemModel:
    return load_model(uow, workspace.system)


def _prune(node: dict[str, Any], levels: int) -> dict[str, Any]:
    """Keep ``levels`` levels of children below ``node``."""
    if "children" in node:
        if levels <= 0:
            del node["children"]
        else:
            node["children"] = [_prune(c, levels - 1) for c in node["children"]]
    return node


@router.get("/system", response_model=SystemRead, responses=READ_ERRORS)
def system(uow: UowDep, workspace: WorkspaceDep, as_of: AsOf = None) -> SystemRead:
    """The ICB this workspace runs, its populations and how many of everything it holds."""
    day = as_of or date.today()
    model = _model(uow, workspace)
    row = uow.structure.get_system(workspace.system)
    assert row is not None  # load_model has checked
    root = build_tree(model, day)
    return SystemRead(
        code=model.icb.code,
        gss_code=model.icb_gss,
        name=model.icb.name,
        reference_vintage=row.reference_vintage,
        as_of=day,
        registered_population=root.registered,
        resident_population=root.resident,
        counts=CountsRead(
            sub_icb_locations=len(model.sub_icbs),
            pcns=len(model.pcns),
            practices=len(model.practices),
            partner_organisations=len(model.partners),
            places=len(model.places_on(day)),
            partnership_bodies=len(model.bodies),
        ),
    )


@router.get("/structure", response_model=StructureRead, responses=READ_ERRORS)
def structure(
    uow: UowDep,
    workspace: WorkspaceDep,
    as_of: AsOf = None,
    depth: Annotated[Depth, Query(description="The deepest level shown.")] = "practice",
) -> StructureRead:
    """The tree ICS → place → PCN → practice on a date, with registered and resident
    population and IMD 2025 deprivation. Practices in no place sit under 'Not in any place'."""
    day = as_of or date.today()
    tree = _prune(build_tree(_model(uow, workspace), day).to_dict(), LEVELS.index(depth) + 1)
    return StructureRead.model_validate({"as_of": day, "depth": depth, "system": tree})


@router.get("/places", response_model=list[PlaceSummaryRead], responses=READ_ERRORS)
def places(
    uow: UowDep,
    workspace: WorkspaceDep,
    as_of: AsOf = None,
    history: Annotated[bool, Query(description="Every version, past and present.")] = False,
) -> list[PlaceSummaryRead]:
    """The places in force on a date, or (with `history=true`) every version ever recorded."""
    model = _model(uow, workspace)
    chosen = list(model.places) if history else model.places_on(as_of or date.today())
    return [PlaceSummaryRead.of(model, p) for p in chosen]


@router.get("/places/{code}", response_model=PlaceRead, responses=READ_ERRORS)
def place(code: str, uow: UowDep, workspace: WorkspaceDep, as_of: AsOf = None) -> PlaceRead:
    """One place as it was on a date: its practices and their lists, its PCNs, registered and
    resident population, deprivation, and every version of the place."""
    day = as_of or date.today()
    model = _model(uow, workspace)
    versions = [p for p in model.places if p.code == code]
    if not versions:
        raise NotFound(
            "place",
            code,
            input_name="code",
            candidates=[*(p.code for p in model.places), *(p.name for p in model.places)],
        )
    current = next((v for v in versions if v.active_on(day)), None)
    if current is None:
        periods = "; ".join(v.period.describe() for v in versions)
        raise NotHere(
            f"Place {code} was not in force on {day.isoformat()}; it was in force {periods}.",
            input_name="as_of",
            expected=f"a date within {periods}",
        )
    practices = practices_of(model, current)
    basis = current.basis_by_practice
    by_pcn: dict[str, list[Practice]] = {}
    for p in practices:
        by_pcn.setdefault(p.pcn_code or NO_PCN_CODE, []).append(p)
    pcns = [
        PcnInPlaceRead(
            code=pcn_code,
            name=model.pcns[pcn_code].name if pcn_code in model.pcns else "Not in a PCN",
            practices=len(members),
            registered_population=registered_population(members),
        )
        for pcn_code, members in by_pcn.items()
    ]
    return PlaceRead(
        **PlaceSummaryRead.of(model, current).model_dump(),
        as_of=day,
        imd=ImdRead.of(deprivation(model.place_lsoas(current), model.area)),
        practice_list=[
            PracticeInPlaceRead(
                code=p.code,
                name=p.name,
                pcn_code=p.pcn_code,
                registered_patients=p.registered_patients,
                basis=basis.get(p.code),
            )
            for p in practices
        ],
        pcns=sorted(pcns, key=lambda n: (n.code == NO_PCN_CODE, n.name)),
        versions=[
            VersionRead(
                name=v.name,
                valid_from=v.period.start,
                valid_to=v.period.end,
                practices=len(v.practices),
            )
            for v in versions
        ],
    )


@router.get("/pcns", response_model=list[PcnSummaryRead], responses=READ_ERRORS)
def pcns(uow: UowDep, workspace: WorkspaceDep) -> list[PcnSummaryRead]:
    """The system's Primary Care Networks with their practices and registered patients."""
    model = _model(uow, workspace)
    return sorted((PcnSummaryRead.of(model, p) for p in model.pcns.values()), key=lambda s: s.name)


@router.get("/pcns/{code}", response_model=PcnRead, responses=READ_ERRORS)
def pcn(code: str, uow: UowDep, workspace: WorkspaceDep, as_of: AsOf = None) -> PcnRead:
    """One PCN: its practices and the places they are in on a date."""
    day = as_of or date.today()
    model = _model(uow, workspace)
    found = model.pcns.get(code.strip().upper())
    if found is None:
        raise NotFound(
            "PCN",
            code,
            input_name="code",
            candidates=[*model.pcns, *(p.name for p in model.pcns.values())],
        )
    members = pcn_members(model, found.code)
    return PcnRead(
        **PcnSummaryRead.of(model, found).model_dump(),
        as_of=day,
        practice_list=[PracticeRead.of(model, p, day) for p in members],
        places=places_holding(model, {p.code for p in members}, day),
    )


@router.get("/practices/{code}", response_model=PracticeRead, responses=READ_ERRORS)
def practice(code: str, uow: UowDep, workspace: WorkspaceDep, as_of: AsOf = None) -> PracticeRead:
    """One GP practice: its PCN, sub-ICB location, registered list and place on a date."""
    model = _model(uow, workspace)
    found = model.practices.get(code.strip().upper())
    if found is None:
        elsewhere = reference_area.practice_icb_names().get(code.strip().upper())
        if elsewhere is not None:
            raise NotHere(
                f"Practice {code.strip().upper()} belongs to {elsewhere}, not to {model.icb.name}.",
                input_name="code",
                expected=f"a practice of {model.icb.name}",
            )
        raise NotFound(
            "GP practice",
            code,
            input_name="code",
            candidates=[*model.practices, *(p.name for p in model.practices.values())],
        )
    return PracticeRead.of(model, found, as_of or date.today())


@router.get("/organisations", response_model=list[OrganisationRead], responses=READ_ERRORS)
def organisations(
    uow: UowDep,
    workspace: WorkspaceDep,
    kind: Annotated[OrgKind | None, Query(description="Only this kind.")] = None,
) -> list[OrganisationRead]:
    """Organisations of the system (not practices): the ICB, sub-ICB locations, PCNs,
    councils and partners."""
    orgs = uow.structure.organisations(workspace.system)
    return [
        OrganisationRead.model_validate(o, from_attributes=True)
        for o in orgs
        if kind is None or o.kind is kind
    ]


@router.get("/validation", response_model=ValidationRead, responses=READ_ERRORS)
def validation(uow: UowDep, workspace: WorkspaceDep, as_of: AsOf = None) -> ValidationRead:
    """What is incomplete or inconsistent on a date: practices in no place or in two, places
    crossing the ICB boundary, split districts and PCNs, default assignments to review, and
    registered against resident population per place."""
    report = validate(_model(uow, workspace), as_of or date.today())
    return ValidationRead.model_validate(report.to_dict())


def _spec(body: PlaceSpecCreate) -> PlaceSpec:
    return PlaceSpec(
        body.code,
        body.name,
        frozenset(body.practices),
        frozenset(body.pcns),
        frozenset(body.lads),
        frozenset(body.lsoas),
    )


@router.post(
    "/places",
    response_model=PlaceSummaryRead,
    status_code=status.HTTP_201_CREATED,
    responses=WRITE_ERRORS,
)
def create_place(
    body: PlaceCreate, actor: SignedInDep, uow: UowDep, workspace: WorkspaceDep
) -> PlaceSummaryRead:
    """Define a new place from practices, PCNs, districts or LSOAs (analyst or admin).

    Practices must belong to this ICB; the code must not already be in force."""
    created = define_place(uow, workspace.system, _spec(body), body.effective, actor=actor)
    summary = PlaceSummaryRead.of(_model(uow, workspace), created)
    uow.commit()
    return summary


@router.post("/places/reconfigure", response_model=ReconfigureRead, responses=WRITE_ERRORS)
def reconfigure(
    body: ReconfigureCreate, actor: SignedInDep, uow: UowDep, workspace: WorkspaceDep
) -> ReconfigureRead:
    """Retire places and start new ones on one date (analyst or admin). Earlier versions are
    kept, so the structure on any past date can still be read."""
    active = reconfigure_places(
        uow,
        workspace.system,
        body.effective,
        body.retire,
        [_spec(p) for p in body.places],
        actor=actor,
    )
    model = _model(uow, workspace)
    result = ReconfigureRead(
        effective=body.effective,
        retired=list(dict.fromkeys(body.retire)),
        created=[p.code for p in body.places],
        places=[PlaceSummaryRead.of(model, p) for p in active],
    )
    uow.commit()
    return result


@router.post(
    "/organisations",
    response_model=OrganisationRead,
    status_code=status.HTTP_201_CREATED,
    responses=WRITE_ERRORS,
)
def create_organisation(
    body: OrganisationCreate, actor: SignedInDep, uow: UowDep, workspace: WorkspaceDep
) -> OrganisationRead:
    """Add a partner organisation: an NHS trust, council, VCSE body, Healthwatch or
    independent provider (analyst or admin)."""
    org = Organisation(body.code, body.name, body.kind, body.ods_code, body.gss_code)
    add_org(uow, workspace.system, org, actor=actor)
    uow.commit()
    return OrganisationRead.model_validate(org, from_attributes=True)
