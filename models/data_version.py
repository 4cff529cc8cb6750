"""The data version: one number that every transaction changing the organisation's data raises.

What is computed from the data (a success review's health, its PDF) is kept under the version it was computed
at, and used again while the version stays the same. See portal/data_version.py for how it is raised.
"""

from __future__ import annotations

from sqlalchemy import BigInteger
from sqlalchemy.orm import Mapped, mapped_column

from models import db

SINGLE_ROW = 1


class DataVersion(db.Model):
    __tablename__ = "data_version"

    id: Mapped[int] = mapped_column(primary_key=True)
    version: Mapped[int] = mapped_column(BigInteger, nullable=False, default=0)
