"""The admin pages; each area registers its routes on `bp` from its own module."""

from portal.admin import (  # noqa: F401
    accounts,
    audit,
    home,
    imports,
    jobs,
    risk_reasons,
    scoring,
    subscriptions,
    systems,
    tokens,
    units,
)
