"""The risk register's forms: shapes and formats here; the rules live in portal/services/risks.py."""

from __future__ import annotations

from typing import Any

from wtforms import DateField, DecimalField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from models import Probability, Risk, RiskBucket, RiskOutcome, RiskSource, Unit
from portal.forms import FilterForm, IdField, RuleForm, optional_id, query_text, strip
from portal.services.platform import accounts
from portal.services.risks import lifecycle as risks
from portal.services.risks import reasons as risk_reasons
from portal.services.risks import register as risk_register

NONE_CHOICE = SelectChoice("", "—")


def _choices(pairs: list[tuple[object, str]]) -> list[SelectChoice]:
    return [SelectChoice(value, label) for value, label in pairs]


def _grouped(groups: list[tuple[str, list[tuple[int, str]]]]) -> list[SelectChoice]:
    return [SelectChoice(value, label, optgroup=group) for group, pairs in groups for value, label in pairs]


class RiskForm(RuleForm):
    system_id = SelectField(
        "System",
        coerce=optional_id,
        description="Empty when the risk is about the whole unit.",
        invalid_choice_message="Choose one of the unit's systems.",
    )
    reason_id = SelectField(
        "Reason",
        coerce=int,
        validators=[InputRequired(message="Choose a reason.")],
        invalid_choice_message="Choose a reason from the list.",
    )
    source = SelectField("Where it came from", choices=[SelectChoice(s.value, s.label) for s in RiskSource])
    probability = SelectField(
        "Probability",
        choices=[SelectChoice(p.value, p.label) for p in Probability],
        description="From a first look at alternatives to a decision taken.",
    )
    seats_at_stake = IntegerField(
        "Seats at stake",
        validators=[Optional(), NumberRange(min=0, message="Seats cannot be negative.")],
        description="Filled from the subscription; change it to what the unit could really cut.",
    )
    cost_at_stake = DecimalField(
        "Annual cost at stake",
        places=2,
        validators=[Optional(), NumberRange(min=0, message="The cost cannot be negative.")],
    )
    owner_id = SelectField(
        "Owner",
        coerce=optional_id,
        description="Empty: the unit's account manager.",
        invalid_choice_message="Choose someone in IT.",
    )
    description = TextAreaField(
        "What is happening",
        validators=[Length(max=4000)],
        filters=[strip],
        description="What was seen or heard, and by whom.",
    )

    def __init__(self, *args: Any, unit: Unit, risk: Risk | None = None, **kwargs: Any) -> None:
        super().__init__(*args, obj=risk, **kwargs)
        systems = sorted((s.system for s in unit.subscriptions), key=lambda system: system.name.casefold())
        self.system_id.choices = [NONE_CHOICE, *(SelectChoice(system.id, system.name) for system in systems)]
        self.reason_id.choices = _grouped(risk_reasons.choices(risk.reason if risk else None))
        self.owner_id.choices = [NONE_CHOICE, *_choices(accounts.staff_choices())]

    def assessment(self) -> risks.Assessment:
        return risks.Assessment(
            system_id=self.system_id.data,
            reason_id=self.reason_id.data,
            source=RiskSource(self.source.data),
            probability=Probability(self.probability.data),
            seats_at_stake=self.seats_at_stake.data,
            cost_at_stake=self.cost_at_stake.data,
            owner_id=self.owner_id.data,
            description=self.description.data or "",
        )


class RouteForm(RuleForm):
    title = StringField(
        "New route",
        validators=[DataRequired(message="Say what the route is."), Length(max=200)],
        filters=[strip],
        description="One way of keeping the unit, e.g. “Retrain the planners”.",
    )


class StepForm(RuleForm):
    action = StringField(
        "Step", validators=[DataRequired(message="Say what is to be done."), Length(max=300)], filters=[strip]
    )
    owner_id = SelectField(
        "Owner",
        coerce=optional_id,
        validators=[InputRequired(message="Choose who owns it.")],
        invalid_choice_message="Choose someone in IT.",
    )
    due_on = DateField("Due", validators=[InputRequired(message="Give it a due date.")])

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.owner_id.choices = [NONE_CHOICE, *_choices(accounts.staff_choices())]


class CloseForm(RuleForm):
    outcome = SelectField("Outcome", choices=[SelectChoice(o.value, o.label) for o in RiskOutcome])
    outcome_reason_id = SelectField(
        "Why it ended so", coerce=int, invalid_choice_message="Choose a reason from the list."
    )
    note = TextAreaField("Note", validators=[Length(max=4000)], filters=[strip])

    def __init__(self, *args: Any, risk: Risk, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.outcome_reason_id.choices = _grouped(risk_reasons.choices(risk.reason))
        if not self.is_submitted():
            self.outcome_reason_id.data = risk.reason_id


class CommentForm(RuleForm):
    text = TextAreaField(
        "Comment", validators=[DataRequired(message="Write the comment first."), Length(max=4000)], filters=[strip]
    )


class RegisterFilterForm(FilterForm):
    """The register's filters (the list page, its CSV and the API's): open risks of every reason and owner unless
    asked otherwise."""

    status = SelectField("Status", choices=_choices(list(risk_register.STATUS_FILTERS.items())), default="open")
    bucket = SelectField(
        "Reason", choices=[SelectChoice(bucket.value, bucket.label) for bucket in RiskBucket], default=""
    )
    owner = IdField("Owner")
    unit = StringField("Unit", filters=[query_text(64)], default="")  # a unit key

    def filters(self) -> risk_register.RegisterFilters:
        return risk_register.RegisterFilters(
            status=self.value("status"),
            bucket=self.value("bucket"),
            owner_id=self.value("owner"),
            unit=self.value("unit"),
        )
