"""Forms shared across features, and the field helpers they use."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask_wtf import FlaskForm
from wtforms import StringField


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


CHECKED = frozenset({"1", "on", "true", "yes"})  # what a checkbox filter's value may be when ticked


def query_text(max_length: int):
    """A filter for text from a query string: NUL dropped (PostgreSQL refuses it, so a pasted value must not break
    the page), spaces trimmed, cut at `max_length`."""

    def clean(value: Any) -> str:
        return (value or "").replace("\x00", "").strip()[:max_length]

    return clean


class IdField(StringField):
    """A row id from a query string: ASCII digits ("²".isdigit() is true, yet int() refuses it), else no id."""

    def __init__(self, label: str | None = None, **kwargs: Any) -> None:
        super().__init__(label, default=None, **kwargs)

    def process_formdata(self, valuelist: list[str]) -> None:
        text = query_text(32)(valuelist[0]) if valuelist else ""
        self.data = int(text) if text.isascii() and text.isdigit() else None
        if text and self.data is None:
            raise ValueError("Not an id.")


class FilterForm(FlaskForm):
    """A list page's filters, read from its query string (a GET form: no CSRF token).

    A value that does not validate (an old bookmark, a hand-edited URL, a choice no longer offered) is dropped and
    that filter shows everything: a filter never gives an error page. `choices` name the options of selects known
    only at request time.
    """

    class Meta:
        csrf = False

    def __init__(self, args: Mapping[str, str], **choices: list[tuple[Any, str]]) -> None:
        super().__init__(formdata=args)
        for name, options in choices.items():
            self[name].choices = options
        self.validate()

    def value(self, name: str) -> Any:
        """The field's value, or its default when the query string's value did not validate."""
        field = self[name]
        return field.default if field.errors else field.data
