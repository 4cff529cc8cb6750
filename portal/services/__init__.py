"""Use-cases and engines. Services flush; the view, CLI command or job commits once."""
