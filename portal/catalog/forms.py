"""The catalog list's filter form."""

from __future__ import annotations

from wtforms import SelectField, StringField
from wtforms.fields.choices import SelectChoice

from portal.forms import FilterForm, optional_id, query_text
from portal.services.catalog.search import MAX_FILTER_LENGTH, CatalogFilters, FilterOptions

_text = query_text(MAX_FILTER_LENGTH)


class CatalogFilterForm(FilterForm):
    """The catalog's search and selects. A select offers only values some system has, and a value it does not
    offer (say, an unknown category from an old bookmark) is dropped, so the selects show what the results are
    filtered by."""

    q = StringField("Search", filters=[_text], default="")
    category = SelectField("Category", filters=[_text], default="")
    vendor = SelectField("Vendor", filters=[_text], default="")
    owner = SelectField("Owner", coerce=optional_id, default=None)

    def __init__(self, args, options: FilterOptions) -> None:
        super().__init__(
            args,
            category=[SelectChoice(category) for category in options.categories],
            vendor=[SelectChoice(vendor) for vendor in options.vendors],
            owner=[SelectChoice(owner.id, owner.name) for owner in options.owners],
        )

    def filters(self) -> CatalogFilters:
        return CatalogFilters(
            q=self.value("q"), category=self.value("category"), vendor=self.value("vendor"), owner=self.value("owner")
        )
