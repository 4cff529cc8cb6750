"""The catalog and its use: systems, their subscriptions, adoption, seats, tickets and forecasts."""
