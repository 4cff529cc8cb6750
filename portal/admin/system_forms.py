"""The forms of the catalog's admin pages: systems and their modules."""

from __future__ import annotations

from typing import Any

from wtforms import BooleanField, DecimalField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from models import LicenseModel, System
from portal.admin import queries
from portal.admin.forms import SLUG_HELP, AdminForm, optional_id, slug, strip, upper
from portal.services.catalog.systems import SystemDetails


class SystemForm(AdminForm):
    key = StringField("Key", validators=[DataRequired(), Length(max=64), slug], filters=[strip], description=SLUG_HELP)
    name = StringField("Name", validators=[DataRequired(), Length(max=200)], filters=[strip])
    category = StringField(
        "Category",
        validators=[Length(max=60)],
        filters=[strip],
        description="Pick an existing category or type a new one.",
    )
    vendor = StringField("Vendor", validators=[Length(max=120)], filters=[strip])
    owner_id = SelectField(
        "Owner",
        coerce=optional_id,
        description="The IT person accountable for the system.",
        invalid_choice_message="Choose an account from the list.",
    )
    description = TextAreaField("Description", validators=[Length(max=5000)], filters=[strip])
    license_model = SelectField(
        "Licence model",
        choices=[SelectChoice(model.value, model.label) for model in LicenseModel],
        invalid_choice_message="Choose per seat, site licence or free.",
    )
    seat_cost = DecimalField(
        "Seat cost per year",
        places=2,
        validators=[Optional(), NumberRange(min=0, message="The seat cost cannot be negative.")],
        description="Required for per-seat licences. A subscription's cost defaults to seats × this.",
    )
    currency = StringField(
        "Currency",
        default="EUR",
        validators=[DataRequired(), Length(min=3, max=3, message="Three letters, like EUR or SEK.")],
        filters=[strip, upper],
        description="ISO 4217 code, like EUR, SEK or USD.",
    )

    measured_by_use = BooleanField(
        "Measured by use",
        default=True,
        description="An endpoint agent or a mandatory training: its value is not in people using it",
    )

    def __init__(self, *args: Any, system: System | None = None, **kwargs: Any) -> None:
        super().__init__(*args, obj=system, **kwargs)
        if system is not None:  # the key is permanent
            del self.key
        self.owner_id.choices = [queries.NONE_CHOICE, *queries.account_choices()]

    def details(self) -> SystemDetails:
        return SystemDetails(
            name=self.name.data,
            category=self.category.data or "",
            vendor=self.vendor.data or "",
            owner_id=self.owner_id.data,
            description=self.description.data or "",
            license_model=self.license_model.data,
            seat_cost=self.seat_cost.data,
            currency=self.currency.data,
            measured_by_use=self.measured_by_use.data,
        )


class ModuleForm(AdminForm):
    key = StringField("Key", validators=[DataRequired(), Length(max=64), slug], filters=[strip])
    name = StringField("Name", validators=[DataRequired(), Length(max=200)], filters=[strip])
    is_core = BooleanField("Core module")
