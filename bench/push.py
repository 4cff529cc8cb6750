"""Push 1,000 usage records for one subscription through the API and time the call (the re-score included).

Run by bench/health.py in the app's environment; prints one JSON line: {"seconds": …, "rescored": …}.
"""

from __future__ import annotations

import json
import sys
import time
from datetime import UTC
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import select

from models import HealthScore, Person, Subscription, db
from portal import clock
from portal.services.platform import tokens
from wsgi import app

RECORDS = 1_000

with app.app_context():
    subscription = db.session.scalar(select(Subscription).order_by(Subscription.id))
    people = list(db.session.scalars(select(Person.key).where(Person.unit_id == subscription.unit_id).limit(50)))
    _, secret = tokens.issue_token("bench push", ["write:usage"], None)
    db.session.commit()
    stamp = clock.now()
    records = [
        {
            "source_system": "bench-push",
            "source_record_id": f"{stamp.timestamp()}-{n}",
            "person_key": people[n % len(people)],
            "system_key": subscription.system.key,
            "occurred_at": stamp.strftime("%Y-%m-%dT%H:%M:%SZ"),
            "feature": "bench",
        }
        for n in range(RECORDS)
    ]
    client = app.test_client()
    started = time.perf_counter()
    answer = client.post("/api/v1/usage", json=records, headers={"Authorization": f"Bearer {secret}"})
    seconds = time.perf_counter() - started
    if answer.status_code != 200:
        raise SystemExit(f"the push answered {answer.status_code}: {answer.get_data(as_text=True)[:500]}")
    db.session.expire_all()
    latest = db.session.scalar(
        select(HealthScore.computed_at)
        .where(HealthScore.subscription_id == subscription.id)
        .order_by(HealthScore.computed_at.desc())
    )
    rescored = latest is not None and latest.replace(tzinfo=latest.tzinfo or UTC) >= stamp
    print(json.dumps({"seconds": seconds, "rescored": rescored}))
