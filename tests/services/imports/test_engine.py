"""The guarantees of the import engine, kind by kind: reconcile, idempotent, updates, refusals with reasons."""

from __future__ import annotations

import json

from sqlalchemy import func, select

from models import (
    Account,
    AuditLog,
    ImportRefusal,
    Module,
    Person,
    RunStatus,
    Subscription,
    SurveyAnswer,
    System,
    Ticket,
    Unit,
    UsageDaily,
    UsageEvent,
    db,
)
from tests.services.imports.conftest import reconciles

USAGE_HEADER = (
    "source_system,source_record_id,person_key,system_key,occurred_at,feature,count,duration_seconds,unit_key\n"
)


def table_state(*models) -> dict[str, list[tuple]]:
    """Every row of the given tables, for before/after comparisons."""
    state = {}
    for model in models:
        columns = [c for c in model.__table__.columns if c.name not in {"updated_at", "run_id"}]
        state[model.__tablename__] = sorted(
            tuple(str(value) for value in row) for row in db.session.execute(select(*columns))
        )
    return state


def test_units_land_with_parents_after_children_and_accounts_for_unknown_emails(run_import):
    run = run_import(
        "units",
        "unit_key,name,parent_key,head_email,manager_email,headcount,country,quiet_periods\n"
        "team,Team,dept,head@x.test,am@x.test,12,se,07-01..08-15\n"
        "dept,Department,,,am@x.test,40,SE,\n",
    )
    assert run.status == RunStatus.SUCCEEDED and (run.inserted, run.refused) == (2, 0)
    team = db.session.scalar(select(Unit).where(Unit.key == "team"))
    assert team.parent.key == "dept" and team.country == "SE" and team.quiet_periods == "07-01..08-15"
    head = db.session.scalar(select(Account).where(Account.email == "head@x.test"))
    manager = db.session.scalar(select(Account).where(Account.email == "am@x.test"))
    assert (head.role, head.active, head.password_hash, head.units) == ("dept_head", False, None, [team])
    assert (manager.role, manager.active) == ("account_manager", False)
    assert team.head == head and team.account_manager == manager
    assert db.session.scalar(select(func.count()).select_from(AuditLog).where(AuditLog.entity_type == "unit")) >= 2


def test_absent_columns_keep_stored_values_and_empty_cells_clear_them(run_import):
    run_import("units", "unit_key,name,headcount,country\nops,Ops,10,SE\n")
    run = run_import("units", "unit_key,name\nops,Operations\n")
    assert run.updated == 1
    ops = db.session.scalar(select(Unit).where(Unit.key == "ops"))
    assert (ops.name, ops.headcount, ops.country) == ("Operations", 10, "SE")
    run_import("units", "unit_key,name,headcount\nops,Operations,\n")
    db.session.refresh(ops)
    assert ops.headcount is None


def test_systems_and_their_modules_follow_the_file(run_import):
    csv = (
        "system_key,name,license_model,seat_cost,currency,modules,core_modules\n"
        'ifs,IFS,per_seat,100,sek,"orders;planning",planning\n'
    )
    assert run_import("systems", csv).inserted == 1
    again = run_import("systems", csv)
    assert (again.unchanged, again.updated) == (1, 0)
    run_import("systems", "system_key,name,modules,core_modules\nifs,IFS,planning;mobile,mobile\n")
    system = db.session.scalar(select(System).where(System.key == "ifs"))
    assert (system.currency, system.seat_cost) == ("SEK", 100)  # absent columns kept
    modules = db.session.execute(select(Module.key, Module.is_core).where(Module.system_id == system.id)).all()
    assert sorted(modules) == [("mobile", True), ("planning", False)]


def test_measured_by_use_is_yes_or_no_blank_yes_and_absent_keeps_it(run_import):
    run = run_import(
        "systems",
        "system_key,name,license_model,seat_cost,measured_by_use\n"
        "agent,Agent,site,10,no\n"
        "erp,ERP,per_seat,100,YES\n"
        "wiki,Wiki,free,,\n"
        "odd,Odd,free,,maybe\n",
    )
    assert (run.inserted, run.refused) == (3, 1)
    (refusal,) = db.session.scalars(select(ImportRefusal))
    assert refusal.reason == "measured_by_use: 'maybe' is not yes or no"

    def measured() -> dict[str, bool]:
        return dict(db.session.execute(select(System.key, System.measured_by_use)).tuples().all())

    assert measured() == {"agent": False, "erp": True, "wiki": True}
    assert run_import("systems", "system_key,name\nagent,Agent\n").unchanged == 1  # absent: kept
    assert measured()["agent"] is False
    assert run_import("systems", "system_key,name,measured_by_use\nagent,Agent,\n").updated == 1  # blank: yes
    assert measured()["agent"] is True


def test_master_data_rows_break_rules_one_by_one(run_import, org):
    run = run_import(
        "subscriptions",
        "unit_key,system_key,seats,go_live,renewal_date,key_action,key_action_every_days\n"
        "sched,ifs,100,2026-01-05,2027-01-01,planning,30\n"
        "sched,ifs,-1,,,,\n"
        "nope,ifs,5,,,,\n"
        "other,ifs,5,2026-05-01,2026-01-01,,\n"
        "other,ifs,5,,,planning,\n",
    )
    assert reconciles(run)
    assert (run.inserted, run.updated, run.refused) == (1, 0, 4)
    reasons = {r.line: r.reason for r in db.session.scalars(select(ImportRefusal))}
    assert reasons[3] == "seats: '-1' is outside 0–10000000"
    assert reasons[4] == "unit_key: 'nope' is not a known unit (import units first)"
    assert reasons[5].startswith("renewal_date: ")
    assert reasons[6].startswith("key_action_every_days: ")
    assert db.session.scalar(select(func.count()).select_from(Subscription)) == 1


def test_people_default_to_users_and_move_between_units(run_import, org):
    run = run_import("people", "person_key,unit_key,role\nnew1,sched,\np1,other,key_user\nbad,sched,boss\n")
    assert (run.inserted, run.updated, run.refused) == (1, 1, 1)
    assert db.session.scalar(select(Person.role).where(Person.key == "new1")) == "user"
    assert db.session.scalar(select(Person.unit_id).where(Person.key == "p1")) == org["other"].id
    [refusal] = db.session.scalars(select(ImportRefusal))
    assert (refusal.line, refusal.reason) == (4, "role: 'boss' is not one of user, key_user, admin, head")
    assert json.loads(refusal.raw) == ["bad", "sched", "boss"]


def test_usage_lands_once_and_its_rollups_are_exact(run_import, org):
    csv = USAGE_HEADER + (
        "idp,1,p1,ifs,2026-11-02T10:00:00Z,planning,3,60,\n"
        "idp,2,p2,ifs,2026-11-02,orders,,,\n"
        "idp,2,p2,ifs,2026-11-02,orders,,,\n"  # the same record twice in one file
        ",,p2,ifs,2026-11-03T01:00:00+02:00,,,,\n"  # no id: its content identifies it; 23:00 UTC the day before
        ",,p2,ifs,2026-11-03T01:00:00+02:00,,,,\n"
        "idp,3,p1,ifs,2026-11-04,planning,2,,other\n"  # counted for another unit
    )
    first = run_import("usage", csv)
    assert (first.rows_read, first.inserted, first.unchanged, first.refused) == (6, 4, 2, 0)
    before = table_state(UsageEvent, UsageDaily)
    second = run_import("usage", csv)
    assert (second.inserted, second.unchanged) == (0, 6)
    assert table_state(UsageEvent, UsageDaily) == before
    daily = db.session.execute(
        select(UsageDaily.unit_id, UsageDaily.day, UsageDaily.person_id, UsageDaily.feature, UsageDaily.events)
    ).all()
    p1, p2 = org["people"][0].id, org["people"][1].id
    unit, other = org["unit"].id, org["other"].id
    # p2's content-identified event happened at 23:00 UTC on the 2nd, so the 2nd has two of theirs.
    assert sorted((u, str(d), p, f, e) for u, d, p, f, e in daily) == sorted(
        [
            (unit, "2026-11-02", p1, "planning", 3),
            (unit, "2026-11-02", p2, "orders", 1),
            (unit, "2026-11-02", p2, "", 1),
            (other, "2026-11-04", p1, "planning", 2),
        ]
    )
    total_events = db.session.scalar(select(func.sum(UsageEvent.count)))
    assert db.session.scalar(select(func.sum(UsageDaily.events))) == total_events == 7


def test_usage_refusals_say_which_line_and_why(run_import, org):
    run = run_import(
        "usage",
        USAGE_HEADER + "idp,1,p9,ifs,2026-11-02,,,,\n"
        "idp,2,p1,nope,2026-11-02,,,,\n"
        "idp,3,p1,ifs,31/02/2026,,,,\n"
        "idp,4,p1,ifs,2026-02-31,,,,\n"
        "idp,5,p1,ifs,2026-11-02,,0,,\n"
        "idp,6,p1,ifs,2026-11-02,,NaN,,\n"
        "idp,7,p1,ifs,,,,,\n"
        "idp,8,p1,ifs,2026-11-02,,,,\n",
    )
    assert reconciles(run) and (run.inserted, run.refused, run.status) == (1, 7, RunStatus.REFUSED_ROWS)
    reasons = [r.reason for r in db.session.scalars(select(ImportRefusal).order_by(ImportRefusal.line))]
    assert reasons == [
        "person_key: 'p9' is not a known person (import people first)",
        "system_key: 'nope' is not a known system (import systems first)",
        "occurred_at: '31/02/2026' is not a date (YYYY-MM-DD)",
        "occurred_at: '2026-02-31' is not a date in the calendar",
        "count: '0' is outside 1–1000000",
        "count: 'NaN' is not a whole number",
        "occurred_at: a value is required",
    ]


def test_a_later_ticket_row_updates_the_ticket(run_import, org):
    header = "source_system,ticket_id,system_key,person_key,unit_key,opened_at,resolved_at,status,priority,type,csat\n"
    opened = header + "sn,INC1,ifs,p1,,2026-11-01T09:00:00Z,,open,2,incident,\n"
    assert run_import("tickets", opened).inserted == 1
    assert run_import("tickets", opened).unchanged == 1
    resolved = header + "sn,INC1,ifs,p1,,2026-11-01T09:00:00Z,2026-11-02T09:00:00Z,resolved,2,incident,4\n"
    run = run_import("tickets", resolved)
    assert (run.inserted, run.updated, run.unchanged) == (0, 1, 0)
    ticket = db.session.scalar(select(Ticket))
    assert (ticket.status, ticket.csat, ticket.unit_id) == ("resolved", 4, org["unit"].id)
    assert db.session.scalar(select(func.count()).select_from(Ticket)) == 1


def test_ticket_rows_need_a_person_or_a_unit_and_a_sane_time(run_import, org):
    header = "ticket_id,person_key,unit_key,opened_at,resolved_at,status,priority\n"
    run = run_import(
        "tickets",
        header + "T1,,,2026-11-01T09:00:00Z,,,\n"
        "T2,,other,2026-11-01T09:00:00Z,2026-10-01T09:00:00Z,,\n"
        "T3,,other,2026-11-01T09:00:00Z,,lost,\n"
        "T4,,other,2026-11-01T09:00:00Z,,,9\n"
        "T5,p1,other,2026-11-01T09:00:00,,,\n",
    )
    assert (run.inserted, run.refused) == (1, 4)
    reasons = [r.reason for r in db.session.scalars(select(ImportRefusal).order_by(ImportRefusal.line))]
    assert reasons[0] == "person_key or unit_key: one of them is required"
    assert reasons[1] == "resolved_at: comes before opened_at"
    assert reasons[2].startswith("status: 'lost' is not one of new, open")
    assert reasons[3] == "priority: '9' is outside 1–5"
    assert db.session.scalar(select(Ticket.unit_id)) == org["other"].id  # the unit column wins over the person's


def test_survey_answers_check_each_question_scale(run_import, org):
    header = "source_system,response_id,submitted_at,person_key,unit_key,system_key,question,score,comment\n"
    run = run_import(
        "surveys",
        header + "q,R1,2026-11-01T09:00:00Z,p1,,ifs,nps,9,\n"
        'q,R1,2026-11-01T09:00:00Z,p1,,ifs,value,2,=HYPERLINK("x")\n'
        "q,R1,2026-11-01T09:00:00Z,p1,,ifs,csat,6,\n"
        "q,R1,2026-11-01T09:00:00Z,p1,,ifs,ces,7,\n"
        "q,R2,2026-11-01T09:00:00Z,,sched,,mood,3,\n",
    )
    assert (run.inserted, run.refused) == (3, 2)
    reasons = [r.reason for r in db.session.scalars(select(ImportRefusal).order_by(ImportRefusal.line))]
    assert reasons == ["score: '6' is outside 1–5", "question: 'mood' is not one of nps, csat, ces, value"]
    comment = db.session.scalar(select(SurveyAnswer.comment).where(SurveyAnswer.question == "value"))
    assert comment == '=HYPERLINK("x")'  # stored as sent; neutralised only where it is exported
    changed = run_import("surveys", header + "q,R1,2026-11-01T09:00:00Z,p1,,ifs,nps,7,\n")
    assert changed.updated == 1


def test_a_header_without_a_required_column_fails_the_run_and_changes_nothing(run_import, org):
    run = run_import("usage", "person_key,occurred_at\np1,2026-11-02\n")
    assert run.status == RunStatus.FAILED
    assert run.error == (
        "The header lacks the required column system_key. A usage file has: source_system, source_record_id, "
        "person_key, system_key, occurred_at, feature, count, duration_seconds, unit_key."
    )
    assert db.session.scalar(select(func.count()).select_from(UsageEvent)) == 0


def test_a_pushed_record_with_a_lone_surrogate_is_refused_and_the_run_finishes(org):
    from models import RunSource
    from portal.services import imports

    records = imports.load_json(
        b'[{"person_key": "\\ud800", "system_key": "ifs", "occurred_at": "2026-11-02"},'
        b' {"person_key": "p1", "system_key": "ifs", "occurred_at": "2026-11-02"}]'
    )
    run = imports.import_records("usage", records, source=RunSource.API)
    assert (run.status, run.inserted, run.refused) == (RunStatus.REFUSED_ROWS, 1, 1)
    [refusal] = db.session.scalars(select(ImportRefusal))
    assert refusal.reason == "person_key: is not valid Unicode text" and "\\ud800" in refusal.raw
