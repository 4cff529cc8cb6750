"""monthly reports keep their headlines: the archive and the covering email tell the month

Revision ID: 5d2e8a41c7b3
Revises: 076fe32d7fdd
Create Date: 2026-11-23 19:30:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '5d2e8a41c7b3'
down_revision = '076fe32d7fdd'
branch_labels = None
depends_on = None


def upgrade():
    # Reports made before keep an empty list: made again, they get theirs.
    with op.batch_alter_table('monthly_report') as batch_op:
        batch_op.add_column(sa.Column('headlines', sa.JSON(), nullable=False, server_default=sa.text("'[]'")))


def downgrade():
    with op.batch_alter_table('monthly_report') as batch_op:
        batch_op.drop_column('headlines')
