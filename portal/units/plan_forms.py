"""The forms of a unit's goals, success plan and touchpoints."""

from __future__ import annotations

from typing import Any

from wtforms import DateField, DecimalField, SelectField, SelectMultipleField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from models import Goal, GoalMeasure, Person, PlanSide, TouchpointKind, Unit
from portal.forms import RuleForm, optional_id, strip

NONE_CHOICE = SelectChoice("", "—")


def _systems(unit: Unit) -> list[SelectChoice]:
    systems = sorted((s.system for s in unit.subscriptions), key=lambda system: system.name.casefold())
    return [NONE_CHOICE, *(SelectChoice(system.id, system.name) for system in systems)]


class GoalForm(RuleForm):
    name = StringField(
        "Goal",
        validators=[DataRequired(message="Name the goal."), Length(max=200)],
        filters=[strip],
        description="In the unit's words: what it wants to achieve.",
    )
    measure = SelectField("Progress", choices=[SelectChoice(m.value, m.label) for m in GoalMeasure])
    system_id = SelectField(
        "System",
        coerce=optional_id,
        description="For a computed goal: the system it follows.",
        invalid_choice_message="Choose one of the unit's systems.",
    )
    metric = StringField(
        "Counted in",
        validators=[Length(max=120)],
        filters=[strip],
        description="What the numbers count, e.g. “jobs planned a day”.",
    )
    baseline = DecimalField("Baseline", places=2, validators=[InputRequired(message="Give the starting value.")])
    target = DecimalField("Target", places=2, validators=[InputRequired(message="Give the value wanted.")])
    due_on = DateField("By", validators=[InputRequired(message="Give the date it is wanted by.")])

    def __init__(self, *args: Any, unit: Unit, goal: Goal | None = None, **kwargs: Any) -> None:
        super().__init__(*args, obj=goal, **kwargs)
        self.system_id.choices = _systems(unit)


class ProgressForm(RuleForm):
    value = DecimalField("Value", places=2, validators=[InputRequired(message="Give the value reached.")])
    recorded_on = DateField("Measured on", validators=[InputRequired(message="Give the day it was measured.")])
    note = StringField("Note", validators=[Length(max=1000)], filters=[strip])


class StepForm(RuleForm):
    action = StringField(
        "Step", validators=[DataRequired(message="Say what is to be done."), Length(max=300)], filters=[strip]
    )
    side = SelectField("Whose", choices=[SelectChoice(side.value, side.label) for side in PlanSide])
    owner_name = StringField(
        "Owner", validators=[DataRequired(message="Name who does it."), Length(max=200)], filters=[strip]
    )
    due_on = DateField("Due", validators=[InputRequired(message="Give it a due date.")])
    system_id = SelectField(
        "System",
        coerce=optional_id,
        validators=[Optional()],
        invalid_choice_message="Choose one of the unit's systems.",
    )
    goal_id = SelectField(
        "For the goal",
        coerce=optional_id,
        validators=[Optional()],
        invalid_choice_message="Choose one of the unit's goals.",
    )

    def __init__(self, *args: Any, unit: Unit, goals: list[Goal], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.system_id.choices = _systems(unit)
        self.goal_id.choices = [NONE_CHOICE, *(SelectChoice(goal.id, goal.name) for goal in goals)]


class CommentForm(RuleForm):
    text = TextAreaField(
        "Comment", validators=[DataRequired(message="Write the comment first."), Length(max=4000)], filters=[strip]
    )


class TouchpointForm(RuleForm):
    kind = SelectField("What", choices=[SelectChoice(kind.value, kind.label) for kind in TouchpointKind])
    happened_on = DateField("When", validators=[InputRequired(message="Give the day it happened.")])
    it_account_id = SelectField("Who from IT", coerce=optional_id, invalid_choice_message="Choose someone in IT.")
    person_ids = SelectMultipleField(
        "Who from the unit",
        coerce=int,
        description="Everyone of the unit who took part: they count for the relationship.",
        invalid_choice_message="Choose from the unit's people.",
    )
    notes = TextAreaField("Notes", validators=[Length(max=4000)], filters=[strip])

    def __init__(self, *args: Any, people: list[Person], staff: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.it_account_id.choices = [NONE_CHOICE, *(SelectChoice(account_id, name) for account_id, name in staff)]
        self.person_ids.choices = [SelectChoice(person.id, person.key) for person in people]
