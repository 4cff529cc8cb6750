"""The forms of the organisation's admin pages: units and their subscriptions."""

from __future__ import annotations

from typing import Any

from wtforms import DateField, DecimalField, IntegerField, SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from models import Role, Subscription, Unit
from portal.admin import queries
from portal.admin.forms import SLUG_HELP, AdminForm, optional_id, slug, strip
from portal.services.catalog.subscriptions import MAX_CADENCE_DAYS, SubscriptionTerms
from portal.services.units.org import UnitDetails


class UnitForm(AdminForm):
    key = StringField("Key", validators=[DataRequired(), Length(max=64), slug], filters=[strip], description=SLUG_HELP)
    name = StringField("Name", validators=[DataRequired(), Length(max=200)], filters=[strip])
    parent_id = SelectField(
        "Parent unit",
        coerce=optional_id,
        description="Empty for a top-level division.",
        invalid_choice_message="Choose a unit from the list: a unit cannot sit below itself or its own sub-units.",
    )
    head_id = SelectField(
        "Head",
        coerce=optional_id,
        description="A department head account; saving lets them see this unit.",
        invalid_choice_message="Choose a department head account from the list.",
    )
    account_manager_id = SelectField(
        "Account manager",
        coerce=optional_id,
        description="The IT account manager accountable for this unit.",
        invalid_choice_message="Choose an account manager from the list.",
    )
    headcount = IntegerField(
        "Headcount", validators=[Optional(), NumberRange(min=0, message="The headcount cannot be negative.")]
    )
    country = SelectField("Country", invalid_choice_message="Choose a country from the list.")
    quiet_periods = StringField(
        "Quiet periods",
        validators=[Length(max=500)],
        filters=[strip],
        description="Recurring MM-DD..MM-DD ranges separated by ; — e.g. 07-01..08-15; 12-20..01-06. "
        "Activity drops inside them are expected, not flagged.",
    )

    def __init__(self, *args: Any, unit: Unit | None = None, **kwargs: Any) -> None:
        super().__init__(*args, obj=unit, **kwargs)
        if unit is not None:  # the key is permanent
            del self.key
        self.parent_id.choices = [queries.NONE_CHOICE, *queries.unit_choices(exclude_below=unit)]
        self.head_id.choices = [queries.NONE_CHOICE, *queries.account_choices(Role.DEPT_HEAD)]
        self.account_manager_id.choices = [queries.NONE_CHOICE, *queries.account_choices(Role.ACCOUNT_MANAGER)]
        self.country.choices = [queries.NONE_CHOICE, *queries.country_choices()]

    def details(self) -> UnitDetails:
        return UnitDetails(
            name=self.name.data,
            parent_id=self.parent_id.data,
            head_id=self.head_id.data,
            account_manager_id=self.account_manager_id.data,
            headcount=self.headcount.data,
            country=self.country.data or None,
            quiet_periods=self.quiet_periods.data or "",
        )


class SubscriptionForm(AdminForm):
    unit_id = SelectField(
        "Unit",
        coerce=optional_id,
        validators=[DataRequired(message="Choose a unit.")],
        invalid_choice_message="Choose a unit from the list.",
    )
    system_id = SelectField(
        "System",
        coerce=optional_id,
        validators=[DataRequired(message="Choose a system.")],
        invalid_choice_message="Choose a system from the list.",
    )
    seats = IntegerField(
        "Seats",
        default=0,
        validators=[InputRequired(message="How many seats? 0 is fine."), NumberRange(min=0, message="At least 0.")],
    )
    annual_cost = DecimalField(
        "Annual cost",
        places=2,
        validators=[Optional(), NumberRange(min=0, message="The annual cost cannot be negative.")],
        description="Leave empty to use seats × the system's seat cost; it then follows price changes.",
    )
    go_live = DateField("Go-live date", validators=[Optional()])
    renewal_date = DateField("Renewal date", validators=[Optional()], description="Not before the go-live date.")
    key_action = StringField(
        "Key action",
        validators=[Optional(), Length(max=64), slug],
        filters=[strip],
        description="A module key of the system, or another feature key the unit is expected to use. Optional.",
    )
    key_action_every_days = IntegerField(
        "Key action every … days",
        validators=[
            Optional(),
            NumberRange(min=1, max=MAX_CADENCE_DAYS, message=f"Between 1 and {MAX_CADENCE_DAYS} days."),
        ],
        description="Required with a key action: 30 for monthly planning, 7 for weekly.",
    )

    def __init__(self, *args: Any, subscription: Subscription | None = None, **kwargs: Any) -> None:
        super().__init__(*args, obj=subscription, **kwargs)
        if subscription is not None:  # a subscription stays the same unit × system; delete it to start over
            del self.unit_id
            del self.system_id
        else:
            self.unit_id.choices = [SelectChoice("", "Choose a unit…"), *queries.unit_choices()]
            self.system_id.choices = [SelectChoice("", "Choose a system…"), *queries.system_choices()]

    def terms(self) -> SubscriptionTerms:
        return SubscriptionTerms(
            seats=self.seats.data,
            annual_cost=self.annual_cost.data,
            go_live=self.go_live.data,
            renewal_date=self.renewal_date.data,
            key_action=self.key_action.data or None,
            key_action_every_days=self.key_action_every_days.data,
        )
