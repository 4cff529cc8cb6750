"""usage rollup: one table per person, system, day and feature

usage_daily gains `feature` in its primary key and replaces feature_daily, so an import writes one rollup
row per event group instead of two. Both rollups are derived data: they are rebuilt from usage_event.

Revision ID: 9592082d0b19
Revises: bfd0a9758c05
Create Date: 2026-11-22 22:40:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '9592082d0b19'
down_revision = 'bfd0a9758c05'
branch_labels = None
depends_on = None


def upgrade():
    op.drop_table('feature_daily')
    op.drop_table('usage_daily')
    op.create_table('usage_daily',
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('system_id', sa.Integer(), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('feature', sa.String(length=128), nullable=False),
    sa.Column('events', sa.Integer(), nullable=False),
    sa.Column('duration_seconds', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('unit_id', 'system_id', 'day', 'person_id', 'feature', name=op.f('pk_usage_daily')),
    sqlite_with_rowid=False,
    )
    op.execute(
        "INSERT INTO usage_daily (unit_id, system_id, day, person_id, feature, events, duration_seconds) "
        "SELECT unit_id, system_id, day, person_id, coalesce(feature, ''), sum(count), "
        "sum(coalesce(duration_seconds, 0)) FROM usage_event "
        "GROUP BY unit_id, system_id, day, person_id, coalesce(feature, '')"
    )


def downgrade():
    op.drop_table('usage_daily')
    op.create_table('usage_daily',
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('system_id', sa.Integer(), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('events', sa.Integer(), nullable=False),
    sa.Column('duration_seconds', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('unit_id', 'system_id', 'day', 'person_id', name=op.f('pk_usage_daily')),
    sqlite_with_rowid=False,
    )
    op.create_table('feature_daily',
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('system_id', sa.Integer(), nullable=False),
    sa.Column('feature', sa.String(length=128), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('events', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('unit_id', 'system_id', 'feature', 'day', name=op.f('pk_feature_daily')),
    sqlite_with_rowid=False,
    )
    op.execute(
        "INSERT INTO usage_daily (unit_id, system_id, day, person_id, events, duration_seconds) "
        "SELECT unit_id, system_id, day, person_id, sum(count), sum(coalesce(duration_seconds, 0)) "
        "FROM usage_event GROUP BY unit_id, system_id, day, person_id"
    )
    op.execute(
        "INSERT INTO feature_daily (unit_id, system_id, feature, day, events) "
        "SELECT unit_id, system_id, feature, day, sum(count) FROM usage_event "
        "WHERE feature IS NOT NULL GROUP BY unit_id, system_id, feature, day"
    )
