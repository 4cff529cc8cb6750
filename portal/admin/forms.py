"""The admin forms: shapes and formats here; the rules that need the database live in the services."""

from __future__ import annotations

from typing import Any

from flask_wtf import FlaskForm
from wtforms import BooleanField, FloatField, PasswordField, SelectField, SelectMultipleField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import (
    DataRequired,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    Regexp,
    StopValidation,
    ValidationError,
)
from wtforms.widgets import CheckboxInput, ListWidget

from models import Account, RiskBucket, Role, Unit
from portal.admin import queries
from portal.forms import RuleForm, optional_id, strip  # noqa: F401 (the admin forms import them from here)
from portal.services.catalog.systems import SLUG_RULE, is_slug
from portal.services.health.measures import SEATS_CRITICAL_BELOW
from portal.services.health.profiles import MEASURE_KEYS, MEASURE_LABELS
from portal.services.platform import accounts
from portal.services.platform.tokens import SCOPES

PASSWORD_LENGTH = Length(
    min=accounts.MIN_PASSWORD_LENGTH,
    max=200,
    message=f"The password must have at least {accounts.MIN_PASSWORD_LENGTH} characters (and at most 200).",
)
SLUG_HELP = f"Permanent: addresses and imports use it. {SLUG_RULE}"


def upper(value: Any) -> Any:
    return value.upper() if isinstance(value, str) else value


def unit_id(value: Any) -> int:
    """Unit choices are ids; accepting Unit objects lets a form be filled from an account."""
    return value.id if isinstance(value, Unit) else int(value)


def kept_when_left_out(_form: FlaskForm, field: Any) -> None:
    """A field missing from the post (a form saved before the field existed, a script) keeps the value in
    force; one sent empty still meets the validators that follow."""
    if not field.raw_data:
        raise StopValidation()


def slug(_form: FlaskForm, field: Any) -> None:
    if field.data and not is_slug(field.data):
        raise ValidationError(SLUG_RULE)


class MultiCheckboxField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class AdminForm(RuleForm):
    pass


class AccountForm(AdminForm):
    email = StringField(
        "Email",
        validators=[
            DataRequired(),
            Length(max=254),
            Regexp(r"^[^@\s]+@[^@\s]+\.[^@\s]+$", message="Enter an email address, like ann@example.com."),
        ],
        filters=[strip],
    )
    name = StringField("Name", validators=[DataRequired(), Length(max=120)], filters=[strip])
    role = SelectField(
        "Role",
        choices=[SelectChoice(role.value, role.label) for role in Role],
        invalid_choice_message="Choose one of the roles in the list.",
    )
    units = SelectMultipleField(
        "Units",
        coerce=unit_id,
        invalid_choice_message="Choose units from the list (%(value)s is not one of them).",
        description="Department heads only: the units they see (and everything below them). Ctrl/⌘-click for several.",
    )
    active = BooleanField("Active (the account can sign in)", default=True)
    password = PasswordField(
        "New password",
        validators=[Optional(), PASSWORD_LENGTH],
        description=f"Leave empty to keep the current password. At least {accounts.MIN_PASSWORD_LENGTH} characters.",
    )
    generate_password = BooleanField("Generate a new password and show it to me once")

    def __init__(self, *args: Any, account: Account | None = None, **kwargs: Any) -> None:
        super().__init__(*args, obj=account, **kwargs)
        self.units.choices = queries.unit_choices()

    def validate_password(self, field: PasswordField) -> None:
        if field.data and self.generate_password.data:
            raise ValidationError("Type a password or generate one, not both.")

    def chosen_password(self) -> tuple[str | None, bool]:
        """The password to set (None keeps the current one) and whether it was generated."""
        if self.generate_password.data:
            return accounts.generate_password(), True
        return self.password.data or None, False


class NewAccountForm(AccountForm):
    password = PasswordField(
        "Password",
        validators=[Optional(), PASSWORD_LENGTH],
        description=f"At least {accounts.MIN_PASSWORD_LENGTH} characters; or leave empty and generate one.",
    )
    generate_password = BooleanField("Generate a password and show it to me once", default=True)

    def validate_generate_password(self, field: BooleanField) -> None:
        if not field.data and not self.password.data:
            raise ValidationError("Type a password or tick this box, so that the account can sign in.")


class TokenForm(AdminForm):
    name = StringField(
        "Name",
        validators=[DataRequired(), Length(max=120)],
        filters=[strip],
        description="Name it after what will use it, e.g. “Service desk ticket feed”.",
    )
    scopes = MultiCheckboxField(
        "Scopes",
        choices=[SelectChoice(scope, f"{scope} — {text}") for scope, text in SCOPES],
        validators=[DataRequired(message="Choose at least one scope.")],
        invalid_choice_message="Unknown scope %(value)s: choose among those listed.",
    )


class ScoringProfileForm(AdminForm):
    """Weights per measure are added by `scoring_profile_form`, one field each."""

    green_at = FloatField(
        "Green from score",
        validators=[InputRequired(), NumberRange(0, 100)],
        description="A score at or above this is green.",
    )
    yellow_at = FloatField(
        "Yellow from score",
        validators=[InputRequired(), NumberRange(0, 100)],
        description="At or above this (and below green) yellow; below it red.",
    )
    min_coverage = FloatField(
        "Weight that must be able to judge (%)",
        validators=[InputRequired(), NumberRange(1, 100)],
        description="Below this share of the weight the score is grey: not enough data.",
    )
    seats_critical_below = FloatField(
        "Seats used below which unused seats are critical (%)",
        validators=[kept_when_left_out, InputRequired(), NumberRange(0, 100)],
        default=SEATS_CRITICAL_BELOW * 100,
        description="A per-seat subscription with fewer of its paid seats used than this share is yellow at best, "
        "whatever its other measures; at exactly this share it is not. 0 turns the signal off.",
    )
    note = StringField("Why this change", validators=[Optional(), Length(max=500)], filters=[strip])

    def weight_fields(self) -> list[Any]:
        return [self[f"weight_{key}"] for key in MEASURE_KEYS]

    def weights(self) -> dict[str, float]:
        return {key: float(self[f"weight_{key}"].data) for key in MEASURE_KEYS}


def scoring_profile_form(in_force: Any) -> ScoringProfileForm:
    """A form for one stage's profile, filled with the version in force."""

    class Form(ScoringProfileForm):
        pass

    weight = [InputRequired(), NumberRange(0, 100)]
    for key in MEASURE_KEYS:
        setattr(
            Form,
            f"weight_{key}",
            FloatField(MEASURE_LABELS[key], validators=weight, default=in_force.weights.get(key, 0)),
        )
    coverage = round(in_force.min_coverage * 100, 1)
    seats = round(in_force.seats_critical_below * 100, 1)
    return Form(
        green_at=in_force.green_at, yellow_at=in_force.yellow_at, min_coverage=coverage, seats_critical_below=seats
    )


class RiskReasonForm(AdminForm):
    bucket = SelectField("Bucket", choices=[SelectChoice(bucket.value, bucket.label) for bucket in RiskBucket])
    name = StringField(
        "New reason", validators=[DataRequired(message="Give the reason a name."), Length(max=120)], filters=[strip]
    )


class RiskReasonRenameForm(AdminForm):
    name = StringField(
        "Name", validators=[DataRequired(message="Give the reason a name."), Length(max=120)], filters=[strip]
    )
    active = BooleanField("Offered for new risks")
