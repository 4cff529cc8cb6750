"""The portfolio's filter form."""

from __future__ import annotations

from wtforms import SelectField, StringField
from wtforms.fields.choices import SelectChoice

from portal.forms import CHECKED, FilterForm, IdField, query_text
from portal.services.units import portfolio


def _capitalised(values: tuple[str, ...]) -> list[SelectChoice]:
    return [SelectChoice(value, value.capitalize()) for value in values]


class PortfolioFilterForm(FilterForm):
    """What the portfolio and its movers narrow the units to; every filter stays in the URL, so a view can be
    shared."""

    manager = IdField("Account manager")
    colour = SelectField("Colour", choices=_capitalised(portfolio.COLOURS), default="")
    stage = SelectField("Stage", choices=_capitalised(portfolio.STAGES), default="")
    system = StringField("System", filters=[query_text(64)], default="")  # a system key
    division = StringField("Division", filters=[query_text(64)], default="")  # a top-level unit's key
    changed = StringField("Changed this month", default="")  # a checkbox

    def filters(self) -> portfolio.Filters:
        return portfolio.Filters(
            manager_id=self.value("manager"),
            stage=self.value("stage"),
            colour=self.value("colour"),
            system=self.value("system"),
            division=self.value("division"),
            changed=self.value("changed") in CHECKED,
        )
