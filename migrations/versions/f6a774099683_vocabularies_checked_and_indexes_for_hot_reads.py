"""vocabularies checked by the database, and indexes for the hot reads: scores by system, tickets by unit and time

Revision ID: f6a774099683
Revises: 5d2e8a41c7b3
Create Date: 2026-12-05 12:30:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'f6a774099683'
down_revision = '5d2e8a41c7b3'
branch_labels = None
depends_on = None

# The words as models/ declares them (Colour, Stage, TicketStatus, TicketType, SurveyQuestion) on this day.
COLOURS = "'green', 'yellow', 'red', 'grey'"
STAGES = "'onboarding', 'adoption', 'growth', 'decline'"
TICKET_STATUSES = "'new', 'open', 'pending', 'resolved', 'closed', 'canceled'"
TICKET_TYPES = "'incident', 'request', 'question'"
SURVEY_QUESTIONS = "'nps', 'csat', 'ces', 'value'"

# SQLite adds a CHECK by copying the table, and cannot reflect (so would not copy) these two expression
# indexes: they are dropped before and made again after, on both engines.
SUBJECT_INDEXES = (
    ('ux_health_score_subject', 'health_score', ['unit_id', sa.text('coalesce(system_id, 0)'), 'as_of']),
    ('ux_stage_transition', 'stage_transition',
     ['unit_id', sa.text('coalesce(system_id, 0)'), 'happened_on', 'to_stage']),
)


def _drop_subject_indexes():
    for name, table, _ in SUBJECT_INDEXES:
        op.drop_index(name, table_name=table)


def _create_subject_indexes():
    for name, table, columns in SUBJECT_INDEXES:
        op.create_index(name, table, columns, unique=True)


def upgrade():
    _drop_subject_indexes()
    with op.batch_alter_table('health_score', schema=None) as batch_op:
        batch_op.create_check_constraint(batch_op.f('ck_health_score_colour'), f"colour IN ({COLOURS})")
        batch_op.create_check_constraint(batch_op.f('ck_health_score_stage'), f"stage IN ({STAGES})")
        batch_op.create_index('ix_health_score_system_id_as_of', ['system_id', 'as_of'], unique=False)
    with op.batch_alter_table('stage_transition', schema=None) as batch_op:
        batch_op.create_check_constraint(batch_op.f('ck_stage_transition_from_stage'), f"from_stage IN ({STAGES})")
        batch_op.create_check_constraint(batch_op.f('ck_stage_transition_to_stage'), f"to_stage IN ({STAGES})")
    _create_subject_indexes()
    with op.batch_alter_table('scoring_profile', schema=None) as batch_op:
        batch_op.create_check_constraint(batch_op.f('ck_scoring_profile_stage'), f"stage IN ({STAGES})")
    with op.batch_alter_table('ticket', schema=None) as batch_op:
        batch_op.create_check_constraint(batch_op.f('ck_ticket_status'), f"status IN ({TICKET_STATUSES})")
        batch_op.create_check_constraint(batch_op.f('ck_ticket_type'), f"type IN ({TICKET_TYPES})")
        # Unit and time: the reads of a unit's tickets in a window; it serves the unit's alone as well.
        batch_op.drop_index(batch_op.f('ix_ticket_unit_id'))
        batch_op.create_index('ix_ticket_unit_id_opened_at', ['unit_id', 'opened_at'], unique=False)
    with op.batch_alter_table('survey_answer', schema=None) as batch_op:
        batch_op.create_check_constraint(batch_op.f('ck_survey_answer_question'), f"question IN ({SURVEY_QUESTIONS})")


def downgrade():
    with op.batch_alter_table('survey_answer', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_survey_answer_question'), type_='check')
    with op.batch_alter_table('ticket', schema=None) as batch_op:
        batch_op.drop_index('ix_ticket_unit_id_opened_at')
        batch_op.create_index(batch_op.f('ix_ticket_unit_id'), ['unit_id'], unique=False)
        batch_op.drop_constraint(batch_op.f('ck_ticket_type'), type_='check')
        batch_op.drop_constraint(batch_op.f('ck_ticket_status'), type_='check')
    with op.batch_alter_table('scoring_profile', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_scoring_profile_stage'), type_='check')
    _drop_subject_indexes()
    with op.batch_alter_table('stage_transition', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_stage_transition_to_stage'), type_='check')
        batch_op.drop_constraint(batch_op.f('ck_stage_transition_from_stage'), type_='check')
    with op.batch_alter_table('health_score', schema=None) as batch_op:
        batch_op.drop_index('ix_health_score_system_id_as_of')
        batch_op.drop_constraint(batch_op.f('ck_health_score_stage'), type_='check')
        batch_op.drop_constraint(batch_op.f('ck_health_score_colour'), type_='check')
    _create_subject_indexes()
