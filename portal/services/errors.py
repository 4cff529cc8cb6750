"""The errors a use-case raises: a request that breaks a rule, and a thing that is not there for the viewer.

Services know no request: they raise these, and one handler per entry point turns them into an answer (a
404 page, a JSON error, a CLI message)."""

from __future__ import annotations


class RuleViolation(ValueError):
    """A request that breaks a rule; the message is for the user.

    `field` names the form field the message belongs beside, when there is one, so a view can put
    it inline rather than at the top of the form.
    """

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


class NotFound(LookupError):
    """What was asked for does not exist, or is outside the viewer's scope: the two read the same, so a
    department head cannot learn that another unit's page exists."""


def required_text(
    text: str, limit: int, empty: str, error: type[RuleViolation] = RuleViolation, field: str = "text"
) -> str:
    """A comment or a reason as the person wrote it, trimmed: refused when empty (`empty` says what to write)
    or longer than `limit` characters."""
    text = text.strip()
    if not text:
        raise error(empty, field)
    if len(text) > limit:
        raise error(f"Keep it to {limit:,} characters (this one has {len(text):,}).", field)
    return text
