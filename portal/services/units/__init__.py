"""The units: the organisation, a unit's page and cards, its goals, plan, touchpoints and timeline, the portfolio."""
