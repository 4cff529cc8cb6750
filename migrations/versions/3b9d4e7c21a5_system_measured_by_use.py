"""system.measured_by_use: a system whose value is not in people using it (an endpoint agent, a training)

Revision ID: 3b9d4e7c21a5
Revises: f6a774099683
Create Date: 2026-12-05 16:30:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '3b9d4e7c21a5'
down_revision = 'f6a774099683'
branch_labels = None
depends_on = None


# A plain ALTER TABLE on both engines (SQLite adds and drops such a column in place): batch mode would copy
# the system table, which SQLite cannot drop while subscriptions and modules refer to it.


def upgrade():
    # Every system known so far is judged by its use, as it was before the flag existed.
    op.add_column('system', sa.Column('measured_by_use', sa.Boolean(), server_default=sa.true(), nullable=False))


def downgrade():
    op.drop_column('system', 'measured_by_use')
