"""The next step: what to do about a score, read from its reasons, worst first, for the one who reads it.

The stage's playbook line says what moves a unit on in general; the reasons say what holds this one back. So
the steps come from the measures that hold the score down (a critical signal, or a measure scoring below
WEAK), each answering its reason, and only when none does from the stage's playbook. A missing key action
asks to agree one, since without it nothing says whether the system does its job.

Two readers: IT (the account manager, in IT's words) and the department head reading their own unit (what
IT asks of them, in theirs: no measure names, no IT vocabulary). Every page, card, review and the API shows
the steps this module gives, so they cannot disagree. Pure: no database, no Flask.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum

from models import Role, Stage
from portal.services.health.explanation import MeasureLine
from portal.services.health.rollup import SEVERITY, Record
from portal.services.health.stages import PLAYBOOK

WEAK = 50.0  # a measure scoring below this holds the score down (as for the risk signals and the review)
NO_KEY_ACTION = "no key action defined"  # measures.key_action's reason when the subscription has none
UNIT_STEPS = 3  # a unit's page names this many steps of its subscriptions


class Audience(StrEnum):
    IT = "it"  # IT's staff: the account manager and those above
    HEAD = "head"  # the department head, reading their own unit


def audience_of(role: str) -> Audience:
    return Audience.HEAD if role == Role.DEPT_HEAD else Audience.IT


@dataclass(frozen=True, slots=True)
class Context:
    """Figures the advice names beyond the measure lines, gathered from the data by the caller."""

    system: str = ""  # the system's name
    reclaimable_seats: int = 0
    top_ticket_category: str | None = None  # the commonest category of the measures' window's tickets


@dataclass(frozen=True, slots=True)
class Step:
    text: str  # the step, in the audience's words
    because: str  # the reason it answers, as the measure says it ("" for a playbook line)
    measure: str = ""  # the key of the measure it answers ("" for a playbook line): never shown to a head
    critical: bool = False  # it answers a critical signal
    score: float | None = None  # the answered measure's score: the lower, the more urgent


HEAD_PLAYBOOK = {
    Stage.ONBOARDING: "Make sure your key user is trained first, then the team, and agree with IT which routine "
    "shows the system is in use.",
    Stage.ADOPTION: "Keep the routine going, report problems early, and tell IT what value the system brings you.",
    Stage.GROWTH: "Tell IT which further features your team could use, and who would like to try them first.",
    Stage.DECLINE: "Meet IT with your key user: say why use is falling, so that together you can put it right or "
    "plan an orderly exit.",
}


def _times(line: MeasureLine) -> str:
    return f"{round(line.raw or 0.0, 1):g}×"


def _seats(line: MeasureLine, system: str, context: Context, audience: Audience) -> str:
    count = context.reclaimable_seats
    if audience == Audience.HEAD:
        licences = f"{count:,} licence{'' if count == 1 else 's'}" if count else "Licences"
        return (
            f"{licences} of {system} went unused: tell IT who still needs one so that the rest can be handed "
            "back, or ask for training for those who should be using it."
        )
    unused = f"{count:,} seat{'' if count == 1 else 's'}" if count else "seats"
    return f"Reclaim or train: {unused} of {system} unused — reclaim them at the renewal, or train those holding them."


def _tickets(line: MeasureLine, system: str, context: Context, audience: Audience) -> str:
    category = context.top_ticket_category
    subject = system[:1].upper() + system[1:]  # "The system" when the name is not known
    if audience == Audience.HEAD:
        about = f", most about {category}" if category else ""
        return (
            f"Your team asked for help with {system} {_times(line)} as often as usual{about}: tell IT what gets in "
            "the way, so that it can be fixed at the root."
        )
    if category:
        return (
            f"{subject} tickets {_times(line)} usual, most about {category}: review {category} with the service "
            "desk and the vendor, and tell the unit what is being done."
        )
    return (
        f"{subject} tickets {_times(line)} usual: find what they have in common with the service desk, and fix it "
        "at the root."
    )


def _key_action(line: MeasureLine, system: str, context: Context, audience: Audience) -> str:
    if line.score is None:  # none defined
        if audience == Audience.HEAD:
            return (
                f"Agree with IT which routine in {system} shows that it serves your team (a monthly planning run, "
                "say), so that both sides can see it happen."
            )
        return (
            f"Agree a key action with the unit: the routine in {system} that shows it does its job (a monthly "
            "planning run, say), and check that it happens."
        )
    if audience == Audience.HEAD:
        return (
            f"The routine your team does in {system} was not done in time: ask your key user to pick it up "
            "again, or tell IT what stands in the way."
        )
    return f"Restore the key action in {system}: ask the key user what stopped it and agree when it runs next."


def _text(it: str, head: str) -> Callable[[MeasureLine, str, Context, Audience], str]:
    """Advice that needs no figure but the system's name."""

    def text(line: MeasureLine, system: str, context: Context, audience: Audience) -> str:
        return (head if audience == Audience.HEAD else it).format(system=system)

    return text


def _depth(line: MeasureLine, system: str, context: Context, audience: Audience) -> str:
    modules = ", ".join(line.unused) or "its core modules"
    if audience == Audience.HEAD:
        return f"Your team does not use {modules} in {system}: ask IT for a short session to see whether they help."
    return f"Train the team on the unused core modules of {system}: {modules}."


ADVICE: dict[str, Callable[[MeasureLine, str, Context, Audience], str]] = {
    "key_action": _key_action,
    "seat_utilisation": _seats,
    "ticket_load": _tickets,
    "key_users": _text(
        "Call the key users of {system}: find out whether they moved on, lost the time for it or hit a problem, "
        "and name a new key user if need be.",
        "Your key users of {system} are much less active than usual: check that they still have time for the "
        "role, or name someone new to IT.",
    ),
    "trend": _text(
        "Find out why use of {system} is falling: meet the unit head and the key user.",
        "Fewer of your people use {system} than usual: tell IT why — a change in the work, a problem, or another tool.",
    ),
    "sentiment": _text(
        "Follow up on what the team said about {system} in the survey: ask what would make it more useful.",
        "Your team rated {system} low in the survey: tell IT what would make it more useful.",
    ),
    "breadth": _text(
        "Bring more of the team onto {system}: find who should use it and what keeps them from it.",
        "Only part of your team uses {system}: tell IT who should be using it, and what keeps them from it.",
    ),
    "habit": _text(
        "Make {system} part of the team's routine: agree when it is used and show the quickest way to do it.",
        "Your people use {system} only now and then: agree in the team when it is used, and ask IT for tips "
        "that save time.",
    ),
    "depth": _depth,
}


def _holds_back(line: MeasureLine) -> bool:
    if line.key == "key_action" and line.score is None:
        return line.reason == NO_KEY_ACTION
    return line.score is not None and (line.critical or line.score < WEAK)


def _urgency(step: Step) -> tuple[bool, bool, float]:
    """Critical signals first, then the lowest scores; a key action still to agree (no score) last."""
    return (not step.critical, step.score is None, step.score or 0.0)


def playbook(stage: str | None, audience: Audience) -> tuple[Step, ...]:
    """The stage's playbook line, in the audience's words; nothing for a unit without a stage."""
    if not stage:
        return ()
    lines = HEAD_PLAYBOOK if audience == Audience.HEAD else PLAYBOOK
    return (Step(lines[Stage(stage)], ""),)


def reason_steps(measures: Iterable[MeasureLine], audience: Audience, context: Context = Context()) -> list[Step]:
    """The steps that answer the measures holding the score down, worst first (no playbook)."""
    system = context.system or "the system"
    steps = [
        Step(ADVICE[line.key](line, system, context, audience), line.reason, line.key, line.critical, line.score)
        for line in measures
        if line.key in ADVICE and _holds_back(line)
    ]
    return sorted(steps, key=_urgency)


def next_steps(
    measures: Iterable[MeasureLine], stage: str | None, audience: Audience, context: Context = Context()
) -> tuple[Step, ...]:
    """A subscription's next steps: from its reasons, worst first; else its stage's playbook line."""
    return tuple(reason_steps(measures, audience, context)) or playbook(stage, audience)


def unit_next_steps(
    unit: Record | None,
    subscriptions: Sequence[tuple[Record, Context]],
    audience: Audience,
    limit: int = UNIT_STEPS,
) -> tuple[Step, ...]:
    """A unit's next steps: those of its subscriptions, critical signals first, then by the subscription's
    colour (red first) and the measure's score; else the unit's stage playbook line."""
    ranked = []
    for record, context in subscriptions:
        for step in reason_steps(record.explanation.measures, audience, context):
            ranked.append(((not step.critical, SEVERITY.get(record.colour, 2), *_urgency(step)[1:]), step))
    ranked.sort(key=lambda item: item[0])
    found = tuple(step for _, step in ranked[:limit])
    return found or playbook(unit.stage if unit else None, audience)
