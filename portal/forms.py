"""Forms shared across features, and the field helpers they use."""

from __future__ import annotations

from typing import Any

from flask_wtf import FlaskForm


class EmptyForm(FlaskForm):
    """A CSRF-only form for buttons that change state (sign out, delete, revoke)."""


class RuleForm(FlaskForm):
    """A form whose use-case may refuse it: the refusal lands beside the field it concerns."""

    def add_error(self, error: ValueError) -> None:
        """Show a service's refusal beside the field it concerns, or above the form."""
        field = self._fields.get(getattr(error, "field", None) or "")
        if field is None:
            self.form_errors.append(str(error))
        else:
            field.errors = [*field.errors, str(error)]


def strip(value: Any) -> Any:
    return value.strip() if isinstance(value, str) else value


def optional_id(value: Any) -> int | None:
    """Select values: an empty choice means none, anything else is a row id."""
    if value in (None, "", "None"):
        return None
    return int(value)
