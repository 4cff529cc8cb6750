"""Fixtures for the admin pages: a signed-in admin and a reader of the audit log."""

import pytest
from sqlalchemy import select

from models import Account, AuditLog, Role, db


@pytest.fixture
def admin(login_as) -> Account:
    return login_as(Role.ADMIN, name="Ada Admin")


@pytest.fixture
def audit_entries():
    def entries(entity_type: str | None = None) -> list[AuditLog]:
        statement = select(AuditLog).order_by(AuditLog.id)
        if entity_type:
            statement = statement.where(AuditLog.entity_type == entity_type)
        return list(db.session.scalars(statement))

    return entries
