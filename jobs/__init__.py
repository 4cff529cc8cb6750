"""Scheduled jobs: one module per job, each entering an app context and calling a service (later issues)."""
