"""The admin pages; each area registers its routes on `bp` from its own module."""

from portal.admin import accounts, audit, home, imports, scoring, subscriptions, systems, tokens, units  # noqa: F401
