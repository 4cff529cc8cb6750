"""The data version rises once with every committed transaction that changes data, and only then; what is
computed from the data is kept while it stands still."""

from __future__ import annotations

import threading
import time
from datetime import UTC, datetime

import pytest

from models import Ticket, db
from portal import data_version
from portal.computed_cache import ComputedCache, remember


def committed_version() -> int:
    db.session.rollback()  # a fresh transaction sees the latest commit
    version = data_version.current()
    assert version is not None
    return version


@pytest.mark.parametrize(
    ("statement", "writes"),
    [
        ("INSERT INTO ticket (id) VALUES (1)", True),
        ("insert or ignore into usage_event (dedup_key) values (?)", True),
        ('UPDATE "unit" SET name = ?', True),
        ("DELETE FROM health_score WHERE as_of = ?", True),
        ("TRUNCATE usage_daily_stage", True),
        ("WITH moved AS (SELECT 1) INSERT INTO usage_daily SELECT * FROM moved", True),
        ("SELECT * FROM ticket", False),
        ("WITH recent AS (SELECT 1) SELECT * FROM recent", False),
        ("UPDATE account SET last_login_at = ?", False),  # a sign-in changes nothing computed
        ("INSERT INTO api_token (name) VALUES (?)", False),
        ("UPDATE alembic_version SET version_num = ?", False),
    ],
)
def test_what_counts_as_a_change_of_the_data(statement, writes):
    assert data_version.writes_data(statement) is writes


def test_a_committed_change_raises_the_version_once(make_unit):
    before = committed_version()
    unit = make_unit()  # commits an INSERT
    assert committed_version() == before + 1
    unit.name = "Renamed"
    db.session.add(Ticket(ticket_id="T-1", unit_id=unit.id, source_system="sn", opened_at=datetime.now(UTC)))
    db.session.commit()  # an UPDATE and an INSERT, one transaction
    assert committed_version() == before + 2


def test_a_rollback_or_a_read_leaves_it(make_unit):
    unit = make_unit()
    before = committed_version()
    unit.name = "Never saved"
    db.session.flush()
    db.session.rollback()
    db.session.get(type(unit), unit.id)
    db.session.commit()  # a transaction that only read
    assert committed_version() == before


def test_a_sign_in_leaves_it(client, auth, make_account):
    account = make_account()
    before = committed_version()
    assert auth.login(account).status_code == 302
    assert committed_version() == before


def test_an_import_raises_it_also_through_its_bulk_driver_writes(run_import, make_unit, make_system, make_person):
    unit = make_unit(key="sched")
    make_system(key="ifs", modules=(("planning", True),))
    make_person(unit=unit, key="p1")
    before = committed_version()
    header = "source_system,source_record_id,person_key,system_key,occurred_at,feature,count\n"
    run = run_import("usage", header + "idp,1,p1,ifs,2026-03-02T10:00:00Z,planning,2\n")
    assert run.inserted == 1
    assert committed_version() > before


def test_a_transaction_with_its_own_writes_names_no_version(make_unit):
    unit = make_unit()
    unit.name = "Pending"
    assert data_version.current() is None  # unflushed
    db.session.flush()
    assert data_version.current() is None  # flushed, not committed
    db.session.commit()
    assert data_version.current() is not None


def test_a_result_is_kept_until_the_data_changes(make_unit):
    calls = []

    def compute():
        calls.append(1)
        return len(calls)

    db.session.rollback()
    assert remember("answer", compute) == 1
    assert remember("answer", compute) == 1  # kept
    assert remember("other", compute) == 2
    make_unit()  # another transaction changes the data
    db.session.rollback()
    assert remember("answer", compute) == 3
    unit = make_unit()
    unit.name = "Uncommitted"
    db.session.flush()
    assert remember("answer", compute) == 4  # its own writes: computed afresh, and not kept
    db.session.rollback()
    assert remember("answer", compute) == 5  # make_unit committed: the version moved


def test_the_cache_forgets_older_versions_and_keeps_a_bounded_number():
    cache = ComputedCache(size=2)
    cache.put(1, "a", "first")
    cache.put(2, "b", "second")
    assert cache.get(1, "a") == (False, None)  # the data changed since
    cache.put(1, "a", "late")  # computed by a transaction from before the change: not kept
    assert cache.get(2, "a") == (False, None)
    cache.put(2, "c", "third")
    cache.put(2, "d", "fourth")
    assert cache.get(2, "b") == (False, None)  # the least recently used went
    assert cache.get(2, "d") == (True, "fourth")


def test_readers_asking_at_once_wait_for_one_computation(app):
    db.session.rollback()
    started, release = threading.Event(), threading.Event()
    calls = []

    def slow():
        calls.append(1)
        started.set()
        release.wait(5)
        return "result"

    def ask(into: list) -> None:
        with app.app_context():
            into.append(remember("slow", slow))
            db.session.remove()

    answers: list[str] = []
    first = threading.Thread(target=ask, args=(answers,))
    first.start()
    assert started.wait(5)
    second = threading.Thread(target=ask, args=(answers,))
    second.start()
    time.sleep(0.1)  # the second reader is waiting for the first's result by now
    release.set()
    first.join(5)
    second.join(5)
    assert answers == ["result", "result"] and calls == [1]
