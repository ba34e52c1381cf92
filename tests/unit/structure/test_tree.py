"""The structure tree ICS -> place -> PCN -> practice on the tiny North Hertfordshire system.

Practices: P1 10,000 and P2 5,000 (PCN U1), P3 7,000 and P5 1,000 (PCN U2), P4 3,000 (no
PCN): 26,000 registered in all. The ICB's own LSOAs are H1 1,500, H2 1,600 and S1 1,800.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from integrated_care.structure.places import PlaceVersion
from integrated_care.structure.population import Deprivation
from integrated_care.structure.system import SystemModel
from integrated_care.structure.tree import NO_PCN_CODE, UNPLACED_CODE, Node, build_tree

AS_OF = date(2024, 1, 1)
MakeModel = Callable[..., SystemModel]
MakePlace = Callable[..., PlaceVersion]


def children(node: Node) -> dict[str, Node]:
    return {c.code: c for c in node.children}


def test_the_root_holds_every_registered_patient_of_the_icb(
    make_model: MakeModel, make_place: MakePlace
) -> None:
    root = build_tree(make_model(make_place("north-herts", {"P1", "P2"})), AS_OF)
    assert root.kind == "system"
    assert root.code == "QM7"
    assert root.registered == 26_000


def test_the_roots_residents_and_deprivation_count_only_the_icbs_own_lsoas(
    make_model: MakeModel, make_place: MakePlace
) -> None:
    root = build_tree(make_model(make_place("north-herts", {"P1"})), AS_OF)
    assert root.resident == 1_500 + 1_600 + 1_800
    # (1500 * 12 + 1600 * 8 + 1800 * 30) / 4900 = 84800 / 4900 = 17.306...
    # Core20 (deciles 1-2): S1's 1,800 of 4,900 = 0.36734...
    assert root.deprivation == Deprivation(17.31, 0.3673, 3)


def test_practices_in_no_place_gather_under_one_node_so_the_totals_add_up(
    make_model: MakeModel, make_place: MakePlace
) -> None:
    root = build_tree(make_model(make_place("north-herts", {"P1", "P2", "P3"})), AS_OF)
    places = children(root)
    assert set(places) == {"north-herts", UNPLACED_CODE}
    assert places[UNPLACED_CODE].name == "Not in any place"
    assert places[UNPLACED_CODE].registered == 3_000 + 1_000  # P4 and P5
    assert sum(p.registered for p in root.children) == root.registered


def test_there_is_no_unplaced_node_when_every_practice_has_a_place(
    make_model: MakeModel, make_place: MakePlace
) -> None:
    root = build_tree(make_model(make_place("herts", {"P1", "P2", "P3", "P4", "P5"})), AS_OF)
    assert list(children(root)) == ["herts"]


def test_a_pcn_split_across_places_appears_under_each_with_only_its_practices_there(
    make_model: MakeModel, make_place: MakePlace
) -> None:
    root = build_tree(
        make_model(make_place("north-herts", {"P1", "P4"}), make_place("stevenage", {"P2"})),
        AS_OF,
    )
    places = children(root)
    north = children(places["north-herts"])
    stevenage = children(places["stevenage"])
    assert north["U1"].registered == 10_000
    assert [p.code for p in north["U1"].children] == ["P1"]
    assert stevenage["U1"].registered == 5_000
    assert [p.code for p in stevenage["U1"].children] == ["P2"]


def test_practices_outside_a_pcn_gather_under_a_no_pcn_node_listed_last(
    make_model: MakeModel, make_place: MakePlace
) -> None:
    root = build_tree(make_model(make_place("north-herts", {"P1", "P3", "P4"})), AS_OF)
    pcns = list(children(root)["north-herts"].children)
    assert [p.code for p in pcns] == ["U1", "U2", NO_PCN_CODE]
    assert pcns[-1].name == "Practices not in a PCN"
    assert pcns[-1].registered == 3_000


def test_a_place_with_an_area_carries_residents_and_a_place_without_one_does_not(
    make_model: MakeModel, make_place: MakePlace
) -> None:
    root = build_tree(
        make_model(
            make_place("stevenage", {"P2"}, lsoas=frozenset({"S1"})),
            make_place("practices-only", {"P1"}),
        ),
        AS_OF,
    )
    places = children(root)
    assert places["stevenage"].resident == 1_800
    assert places["stevenage"].deprivation == Deprivation(30.0, 1.0, 1)
    assert places["practices-only"].resident is None
    assert places["practices-only"].deprivation is None


def test_the_tree_as_a_dictionary_nests_places_pcns_and_practices(
    make_model: MakeModel, make_place: MakePlace
) -> None:
    root = build_tree(make_model(make_place("herts", {"P1", "P2", "P3", "P4", "P5"})), AS_OF)
    data = root.to_dict()
    assert data["registered_population"] == 26_000
    [herts] = data["children"]
    assert herts["code"] == "herts"
    practices = [p for pcn in herts["children"] for p in pcn["children"]]
    assert sorted(p["code"] for p in practices) == ["P1", "P2", "P3", "P4", "P5"]
    assert all("children" not in p for p in practices)
    assert sum(p["registered_population"] for p in practices) == 26_000


def test_walking_the_tree_visits_every_node_once(
    make_model: MakeModel, make_place: MakePlace
) -> None:
    root = build_tree(make_model(make_place("herts", {"P1", "P2", "P3", "P4", "P5"})), AS_OF)
    kinds = [n.kind for n in root.walk()]
    # 1 system, 1 place, 3 PCN nodes (U1, U2, no PCN), 5 practices
    assert kinds.count("system") == 1
    assert kinds.count("place") == 1
    assert kinds.count("pcn") == 3
    assert kinds.count("practice") == 5
