"""The scenario organisation, imported and scored once per test that asks for it."""

from __future__ import annotations

import pytest

from portal.services.health import engine
from tests.services.health.organisation import AS_OF, KINDS_IN_ORDER, organisation


@pytest.fixture
def scored(run_import, app):
    """The organisation imported (without re-scoring after each file), then scored as of AS_OF."""
    org = organisation()
    app.config["HEALTH_RESCORE_AFTER_IMPORT"] = False
    try:
        for kind in KINDS_IN_ORDER:
            run = run_import(kind, org.csv(kind))
            assert run.refused == 0, (kind, run.error)
    finally:
        app.config["HEALTH_RESCORE_AFTER_IMPORT"] = True
    result = engine.recompute(AS_OF)
    return {
        (record.unit_key, record.system_key): record
        for record in [*result.subscription_records.values(), *result.unit_records.values()]
    }
