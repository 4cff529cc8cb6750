"""The canonical formats: which columns each kind of import takes, which are required, what identifies a row.

One table drives the validation, `flask import --help`, the API's error messages and docs/data-formats.md.
"""

from __future__ import annotations

from dataclasses import dataclass

from models import TicketStatus, TicketType
from portal.services.health.measures import QUESTION_SCALES


@dataclass(frozen=True)
class Column:
    name: str
    help: str
    required: bool = False


@dataclass(frozen=True)
class Kind:
    name: str
    summary: str
    columns: tuple[Column, ...]
    identity: str
    # Alternatives where one of several columns is required ("person_key or unit_key").
    one_of: tuple[str, ...] = ()

    @property
    def column_names(self) -> tuple[str, ...]:
        return tuple(column.name for column in self.columns)

    @property
    def required(self) -> tuple[str, ...]:
        return tuple(column.name for column in self.columns if column.required)

    def usage_line(self) -> str:
        names = [f"{c.name}*" if c.required else c.name for c in self.columns]
        return f"{self.name}: {', '.join(names)}"


TICKET_STATUSES = tuple(TicketStatus)
TICKET_TYPES = tuple(TicketType)
# Each survey question and the range its score is on (CES: 7 = very easy): the range the scoring reads it on.
SURVEY_SCALES = QUESTION_SCALES
PERSON_ROLES = ("user", "key_user", "admin", "head")
LICENSE_MODELS = ("per_seat", "site", "free")

KINDS: dict[str, Kind] = {
    kind.name: kind
    for kind in (
        Kind(
            "units",
            "The organisation: units and where they sit.",
            (
                Column("unit_key", "the unit's stable key (lowercase letters, digits, hyphens)", True),
                Column("name", "the unit's name", True),
                Column("parent_key", "the unit above it (earlier in the file or already known)"),
                Column("head_email", "its head; an unknown email gets an inactive department-head account"),
                Column("manager_email", "its IT account manager; an unknown email gets an inactive account"),
                Column("headcount", "people in the unit"),
                Column("country", "ISO 3166 two-letter code"),
                Column("quiet_periods", "MM-DD..MM-DD;… when the unit is normally quiet"),
            ),
            "unit_key",
        ),
        Kind(
            "systems",
            "The catalog: systems, their licence and modules.",
            (
                Column("system_key", "the system's stable key (lowercase letters, digits, hyphens)", True),
                Column("name", "the system's name", True),
                Column("category", "such as ERP or Collaboration"),
                Column("vendor", "who sells it"),
                Column("owner_email", "its owner in IT; an unknown email gets an inactive account"),
                Column("license_model", "per_seat, site or free"),
                Column("seat_cost", "annual list price per seat"),
                Column("currency", "ISO 4217 code; EUR when empty"),
                Column(
                    "measured_by_use",
                    "yes or no; yes when empty. No: an endpoint agent or a mandatory training, whose value is not in "
                    "people using it",
                ),
                Column("modules", "key;key — the full list of modules, when given"),
                Column("core_modules", "key;key — the modules every using unit should use"),
            ),
            "system_key",
        ),
        Kind(
            "people",
            "The directory: pseudonymous people and their unit.",
            (
                Column("person_key", "a pseudonymous key (never a name or an email)", True),
                Column("unit_key", "the person's unit", True),
                Column("role", "user, key_user, admin or head; user when empty"),
            ),
            "person_key",
        ),
        Kind(
            "subscriptions",
            "Which unit uses which system, with how many seats.",
            (
                Column("unit_key", "the unit", True),
                Column("system_key", "the system", True),
                Column("seats", "seats paid for", True),
                Column("annual_cost", "negotiated annual cost; seats × seat cost when empty"),
                Column("go_live", "YYYY-MM-DD"),
                Column("renewal_date", "YYYY-MM-DD"),
                Column("key_action", "the module whose use is the key action, such as monthly_planning"),
                Column("key_action_every_days", "how often the key action is expected"),
            ),
            "unit_key + system_key",
        ),
        Kind(
            "usage",
            "Activity: a person used a system (a feature of it) at a time.",
            (
                Column("source_system", "where the record comes from, such as entra-id"),
                Column("source_record_id", "the record's id in its source; without one, the row's content"),
                Column("person_key", "who", True),
                Column("system_key", "which system", True),
                Column("occurred_at", "when: YYYY-MM-DD or an ISO 8601 timestamp (UTC when no zone)", True),
                Column("feature", "what was used: a module key counts as use of that module"),
                Column("count", "how many events the row stands for; 1 when empty"),
                Column("duration_seconds", "time spent"),
                Column("unit_key", "the unit to count it for, instead of the person's own"),
            ),
            "source_system + source_record_id; without an id, the row's content",
        ),
        Kind(
            "tickets",
            "Support tickets; a later row for the same ticket updates it.",
            (
                Column("source_system", "the service desk, such as servicenow"),
                Column("ticket_id", "the ticket's number", True),
                Column("system_key", "the system it is about"),
                Column("person_key", "who raised it (or give unit_key)"),
                Column("unit_key", "the unit it counts for (or give person_key)"),
                Column("opened_at", "ISO 8601 timestamp", True),
                Column("resolved_at", "ISO 8601 timestamp"),
                Column("status", ", ".join(TICKET_STATUSES) + "; new when empty"),
                Column("priority", "1 (highest) to 5"),
                Column("type", ", ".join(TICKET_TYPES)),
                Column("category", "the desk's category"),
                Column("csat", "the satisfaction answer on closing, 1–5"),
            ),
            "source_system + ticket_id",
            one_of=("person_key", "unit_key"),
        ),
        Kind(
            "surveys",
            "Survey answers: one row per question of a response.",
            (
                Column("source_system", "the survey tool"),
                Column("response_id", "the response's id", True),
                Column("submitted_at", "ISO 8601 timestamp", True),
                Column("person_key", "who answered (or give unit_key)"),
                Column("unit_key", "the unit answering (or give person_key)"),
                Column("system_key", "the system the question is about"),
                Column("question", "nps (0–10), csat (1–5), ces (1–7, 7 = very easy), value (0–10)", True),
                Column("score", "the answer on the question's scale", True),
                Column("comment", "free text"),
            ),
            "source_system + response_id + question",
            one_of=("person_key", "unit_key"),
        ),
    )
}


def describe_kinds() -> str:
    """The kinds and their columns, as `flask import --help` prints them (* = required)."""
    return "\n".join(KINDS[name].usage_line() for name in KINDS)
