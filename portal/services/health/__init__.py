"""Health and lifecycle: measures (pure), the facts they read, scoring and stages."""
