"""The upload form of the admin imports area."""

from __future__ import annotations

from flask_wtf.file import FileField, FileRequired
from wtforms import SelectField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, ValidationError

from portal.admin.forms import AdminForm
from portal.services.imports.formats import KINDS


class ImportForm(AdminForm):
    kind = SelectField(
        "What the file holds",
        choices=[SelectChoice("", "— choose —")]
        + [SelectChoice(name, f"{name} — {kind.summary}") for name, kind in KINDS.items()],
        validators=[DataRequired(message="Choose what the file holds.")],
        invalid_choice_message="Choose one of the kinds in the list.",
    )
    file = FileField(
        "CSV file",
        validators=[FileRequired(message="Choose a CSV file to upload.")],
        description="A CSV file (UTF-8) whose header row names the columns listed below for its kind.",
    )

    def validate_file(self, field: FileField) -> None:
        # Peek instead of reading: the file may be far larger than memory, and the worker reads it again.
        stream = field.data.stream
        first = stream.read(1)
        stream.seek(0)
        if not first:
            raise ValidationError("The file is empty.")
