"""POST /api/v1/<kind>: a JSON array of records lands now, with its counts and the reason for each refusal."""

from __future__ import annotations

import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from models import ImportRun, RunSource, UsageEvent, db

GOOD = {
    "source_system": "idp",
    "source_record_id": "1",
    "person_key": "p1",
    "system_key": "ifs",
    "occurred_at": "2026-11-02",
}
BAD = {
    "source_system": "idp",
    "source_record_id": "2",
    "person_key": "p9",
    "system_key": "ifs",
    "occurred_at": "2026-11-02",
}


@pytest.fixture
def usage_token(make_token):
    return make_token("write:usage")[1]


def push(client, headers, body, **extra):
    data = body if isinstance(body, bytes) else json.dumps(body).encode()
    return client.post("/api/v1/usage", headers=headers | extra, data=data, content_type="application/json")


def events() -> int:
    return db.session.scalar(select(func.count()).select_from(UsageEvent))


def test_one_good_and_one_bad_record(client, org, usage_token):
    response = push(client, usage_token, [GOOD, BAD])
    assert response.status_code == 200, response.get_data(as_text=True)
    body = response.get_json()
    assert {key: body[key] for key in ("status", "read", "inserted", "updated", "unchanged", "refused")} == {
        "status": "refused_rows",
        "read": 2,
        "inserted": 1,
        "updated": 0,
        "unchanged": 0,
        "refused": 1,
    }
    assert body["refusals"] == [{"record": 2, "reason": "person_key: 'p9' is not a known person (import people first)"}]
    assert body["warnings"] == []
    run = db.session.get(ImportRun, body["run_id"])
    assert run.source == RunSource.API and run.token_id is not None
    assert events() == 1


def test_unknown_fields_are_warned_about(client, org, usage_token):
    body = push(client, usage_token, [GOOD | {"colour": "blue"}]).get_json()
    assert body["inserted"] == 1
    assert body["warnings"] == ["Field 'colour' is not a usage field and was ignored."]


def test_an_empty_array_is_a_run_with_nothing_in_it(client, usage_token):
    response = push(client, usage_token, [])
    assert response.status_code == 200
    body = response.get_json()
    assert (body["read"], body["inserted"], body["refused"], body["refusals"]) == (0, 0, 0, [])


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        (b"", "not valid JSON"),
        (b"[{", "not valid JSON"),
        (b"\xff\xfe[]", "not UTF-8"),
        (b'{"person_key": "p1"}', "JSON array"),
        (b'"records"', "JSON array"),
        (b"[" * 100_000 + b"]" * 100_000, "nests too deeply"),
        (b'[{"person_key": "\\ud800", "system_key": "ifs"}]', "not half of a pair"),
    ],
)
def test_a_body_that_is_not_an_array_is_400_with_the_reason(client, usage_token, body, reason):
    response = push(client, usage_token, body)
    assert response.status_code == 400
    assert reason in response.get_json()["error"]


def test_too_many_records_is_413_saying_the_limit(app, client, usage_token, monkeypatch):
    monkeypatch.setitem(app.config, "IMPORT_MAX_RECORDS", 3)
    response = push(client, usage_token, [GOOD] * 4)
    assert response.status_code == 413
    assert response.get_json()["limit"] == 3
    assert "At most 3 records" in response.get_json()["error"]
    assert push(client, usage_token, [GOOD] * 3).status_code == 200


def test_a_retry_with_the_same_key_replays_the_first_answer(client, org, usage_token):
    first = push(client, usage_token, [GOOD, BAD], **{"Idempotency-Key": "batch-1"})
    again = push(client, usage_token, [GOOD, BAD], **{"Idempotency-Key": "batch-1"})
    assert again.status_code == first.status_code == 200
    assert again.get_json() == first.get_json()
    assert again.headers["Idempotent-Replayed"] == "true"
    assert db.session.scalar(select(func.count()).select_from(ImportRun)) == 1
    assert events() == 1


def test_a_key_is_per_token(client, org, make_token, usage_token):
    _other, other_headers = make_token("write:usage", name="other feed")
    first = push(client, usage_token, [GOOD], **{"Idempotency-Key": "k"}).get_json()
    second = push(client, other_headers, [GOOD], **{"Idempotency-Key": "k"}).get_json()
    assert first["run_id"] != second["run_id"]
    assert (first["inserted"], second["unchanged"]) == (1, 1)


def test_the_same_key_with_another_body_is_422(client, org, usage_token):
    push(client, usage_token, [GOOD], **{"Idempotency-Key": "batch-1"})
    response = push(client, usage_token, [BAD], **{"Idempotency-Key": "batch-1"})
    assert response.status_code == 422
    assert "different request" in response.get_json()["error"]
    assert db.session.scalar(select(func.count()).select_from(ImportRun)) == 1


def test_an_error_answer_does_not_use_up_the_key(client, org, usage_token):
    assert push(client, usage_token, b"[", **{"Idempotency-Key": "k"}).status_code == 400
    assert push(client, usage_token, [GOOD], **{"Idempotency-Key": "k"}).get_json()["inserted"] == 1


@pytest.mark.parametrize("key", ["x" * 256, "", "tab\there", "é"])
def test_a_bad_key_is_400(client, usage_token, key):
    response = push(client, usage_token, [], **{"Idempotency-Key": key})
    assert response.status_code == 400
    assert "Idempotency-Key" in response.get_json()["error"]


def test_a_key_of_255_characters_is_fine(client, usage_token):
    assert push(client, usage_token, [], **{"Idempotency-Key": "k" * 255}).status_code == 200


# What a hostile or broken client might send: any JSON value, records with the wrong types, huge strings,
# spreadsheet formulas, and raw text that json.dumps would never write.
scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**30), max_value=10**30),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=30),
    st.sampled_from(['=HYPERLINK("http://evil.test")', "+1", "-1", "@SUM(A1)", "=1+1", "2026-02-31", "p1", "ifs"]),
    st.text(min_size=5_000, max_size=20_000),
)
json_values = st.recursive(
    scalars,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
    max_leaves=12,
)
FIELDS = [*GOOD, "count", "feature", "duration_seconds", "unit_key", "COUNT ", "extra"]
records = st.dictionaries(st.sampled_from(FIELDS), st.one_of(scalars, json_values), max_size=8)


def _encode(value) -> bytes:
    return json.dumps(value, allow_nan=True).encode("utf-8", "surrogatepass")


raw_bodies = st.one_of(
    json_values.map(_encode),
    st.lists(records, max_size=12).map(_encode),
    st.lists(st.one_of(records, json_values), max_size=6).map(_encode),
    st.sampled_from(
        [
            b'[{"count": NaN}]',
            b'[{"count": Infinity, "person_key": "p1"}]',
            b'[{"count": -Infinity}]',
            b'[{"person_key": "p1", "person_key": "p2", "system_key": "ifs", "occurred_at": "2026-11-02"}]',
            b'[{"count": 1e400}]',
            b'[{"count": ' + b"9" * 5000 + b"}]",
            b'[{"person_key": "\\ud800"}]',
            b'[{"person_key": "a\\u0000b"}]',
            b"[1, 2, \xff]",
            b"\xef\xbb\xbf[]",
        ]
    ),
    st.binary(max_size=64),
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(body=raw_bodies)
def test_no_body_makes_the_api_fail(client, org, usage_token, body):
    response = push(client, usage_token, body)
    assert response.status_code in {200, 400, 413, 422}, (response.status_code, response.get_data(as_text=True))
    answer = response.get_json()
    assert isinstance(answer, dict)
    if response.status_code == 200:
        assert answer["status"] in {"succeeded", "refused_rows"}, answer
        assert answer["read"] == answer["inserted"] + answer["updated"] + answer["unchanged"] + answer["refused"]
        assert len(answer["refusals"]) == answer["refused"]
    else:
        assert answer["error"]
