"""The roll-up of units and divisions: the score weighted by seats, and the colour held by the parts that
carry the most seats or the most licence money. Pure: plain records, no database."""

from __future__ import annotations

from portal.services.health.explanation import Money
from portal.services.health.rollup import Record, UnitNode, roll_up_units, unit_record
from portal.services.health.scoring import Profile
from portal.services.health.stages import Stage

PROFILES = {stage: Profile(1, {}) for stage in Stage}
SALES = UnitNode(1, "sales", "Sales", None)


def part(name: str, score: float, colour: str, seats: int, money: Money = (), unit_key: str = "sales") -> Record:
    key = "" if unit_key == name else name.lower().replace(" ", "-")
    return Record(unit_key, key, name, score, colour, "adoption", seats, seats, 0, [f"{colour} reason"], money=money)


def eur(amount: float) -> Money:
    return (("EUR", amount),)


def test_a_red_part_with_a_third_of_the_money_holds_the_unit_at_yellow_however_few_its_seats():
    unit = unit_record(
        SALES,
        [part("CRM", 90, "green", 40, eur(226_000)), part("IFS FSM", 30, "red", 5, eur(186_000))],
        PROFILES,
    )
    assert round(unit.score, 1) == 83.3 and unit.colour == "yellow"
    note = "Yellow although 83: IFS FSM holds 186 k of 412 k EUR a year and is red"
    assert unit.reasons[0] == note and unit.explanation.colour_note == note
    assert unit.reasons[1] == "IFS FSM: red reason"
    assert unit.money == eur(412_000)
    assert {child.name: child.money for child in unit.explanation.children} == {
        "CRM": eur(226_000),
        "IFS FSM": eur(186_000),
    }


def test_a_red_part_with_a_third_of_the_seats_holds_the_unit_at_yellow():
    unit = unit_record(SALES, [part("CRM", 95, "green", 30), part("Jira", 30, "red", 15)], PROFILES)
    assert round(unit.score, 1) == 73.3
    assert unit.colour == "yellow"
    assert unit.reasons[0] == "Yellow although 73: Jira holds 15 of 45 seats and is red"


def test_a_red_part_below_a_third_of_both_leaves_the_unit_green():
    unit = unit_record(
        SALES,
        [part("CRM", 95, "green", 31, eur(300_000)), part("Jira", 30, "red", 14, eur(100_000))],
        PROFILES,
    )
    assert unit.colour == "green"
    assert unit.reasons == ["Jira: red reason"] and unit.explanation.colour_note == ""


def test_a_yellow_part_with_a_third_of_the_money_does_not_hold_a_green_unit():
    unit = unit_record(
        SALES, [part("CRM", 95, "green", 40, eur(200_000)), part("ERP", 60, "yellow", 5, eur(100_000))], PROFILES
    )
    assert unit.colour == "green" and unit.explanation.colour_note == ""


def test_a_yellow_part_with_half_the_money_holds_the_unit_at_yellow_however_few_its_seats():
    """Field Technicians South: green by seats while its costliest system runs five times the usual tickets."""
    unit = unit_record(
        SALES,
        [
            part("Drawio", 90, "green", 52, eur(1_300)),
            part("Quinyx", 88, "green", 198, eur(40_000)),
            part("IFS FSM", 80, "yellow", 162, eur(186_300)),
        ],
        PROFILES,
    )
    assert unit.colour == "yellow"
    assert unit.reasons[0] == "Yellow although 85: IFS FSM holds 186 k of 228 k EUR a year and is yellow"


def test_money_is_compared_within_the_red_part_s_own_currency():
    unit = unit_record(
        SALES,
        [
            part("CRM", 95, "green", 40, eur(1_000_000)),
            part("Visma", 95, "green", 10, (("SEK", 150_000),)),
            part("Fortnox", 30, "red", 3, (("SEK", 100_000),)),
        ],
        PROFILES,
    )
    assert unit.colour == "yellow"
    assert unit.reasons[0].endswith(": Fortnox holds 100 k of 250 k SEK a year and is red")
    assert unit.money == (("EUR", 1_000_000.0), ("SEK", 250_000.0))


def test_the_half_of_the_seats_rule_still_holds_and_says_which_part_held_it():
    unit = unit_record(SALES, [part("M-Files", 60, "yellow", 23), part("CRM", 83.65, "green", 20)], PROFILES)
    assert unit.colour == "yellow"
    assert unit.reasons[0] == "Yellow although 71: M-Files holds 23 of 43 seats and is yellow"


def test_several_parts_that_hold_half_the_seats_together_are_named_together():
    children = [part("CRM", 95, "green", 20), part("Jira", 60, "yellow", 12), part("ERP", 40, "red", 8)]
    unit = unit_record(SALES, children, PROFILES)
    # 20 of 40 seats are yellow or red: the unit's 73.5 is held at yellow. ERP's 8 of 40 is below a third.
    assert unit.colour == "yellow"
    assert unit.reasons[0] == "Yellow although 74: Jira and ERP hold 20 of 40 seats and are yellow or red"


def test_no_sentence_when_the_colour_is_the_score_s_own():
    unit = unit_record(SALES, [part("CRM", 50, "yellow", 20), part("Jira", 30, "red", 20)], PROFILES)
    assert unit.colour == "red"  # half the seats are red: red, though the score of 40 is red anyway
    assert unit.explanation.colour_note == "" and unit.reasons[0] == "Jira: red reason"
    assert unit_record(SALES, [part("CRM", 95, "green", 10)], PROFILES).reasons == ["all 1 scored part is healthy"]


def test_grey_parts_weigh_in_neither_share():
    grey = Record("sales", "erp", "ERP", None, "grey", None, 100, 0, 0, ["no data"], money=eur(1_000_000))
    unit = unit_record(SALES, [part("CRM", 95, "green", 20, eur(50_000)), part("Jira", 30, "red", 10), grey], PROFILES)
    assert unit.colour == "yellow"
    assert unit.reasons[0] == "Yellow although 73: Jira holds 10 of 30 seats and is red"


def test_a_division_is_held_by_a_red_unit_that_holds_a_third_of_its_money():
    units = {
        10: UnitNode(10, "field", "Field Services", None),
        11: UnitNode(11, "service", "Service", 10),
        12: UnitNode(12, "office", "Office", 10),
    }
    subscriptions = {
        11: [part("IFS FSM", 30, "red", 10, eur(150_000), unit_key="service")],
        12: [part("CRM", 95, "green", 40, eur(200_000), unit_key="office")],
    }
    records = roll_up_units(units, subscriptions, {10, 11, 12}, PROFILES)
    assert records[11].colour == "red" and records[12].colour == "green"
    division = records[10]
    assert round(division.score) == 82 and division.colour == "yellow"
    assert division.reasons[0] == "Yellow although 82: Service holds 150 k of 350 k EUR a year and is red"
    assert division.money == eur(350_000)
    service = next(child for child in division.explanation.children if child.unit_key == "service")
    assert (service.system_key, service.money) == ("", eur(150_000))
