"""scoring profiles: the share of paid seats used below which unused seats are a critical signal

Revision ID: a31a6d446541
Revises: 3b9d4e7c21a5
Create Date: 2026-12-05 16:40:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'a31a6d446541'
down_revision = '3b9d4e7c21a5'
branch_labels = None
depends_on = None


def upgrade():
    # The versions stored before take the default: half of the seats.
    with op.batch_alter_table('scoring_profile', schema=None) as batch_op:
        batch_op.add_column(sa.Column('seats_critical_below', sa.Float(), server_default='0.5', nullable=False))
        batch_op.create_check_constraint(
            batch_op.f('ck_scoring_profile_seats_critical_below_share'), 'seats_critical_below BETWEEN 0 AND 1'
        )


def downgrade():
    with op.batch_alter_table('scoring_profile', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_scoring_profile_seats_critical_below_share'), type_='check')
        batch_op.drop_column('seats_critical_below')
