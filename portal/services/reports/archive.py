"""The archive of the CIO's monthly reports: make one (kept, the latest making per month), deliver it."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from flask import current_app
from sqlalchemy import select

from models import Account, MonthlyReport, Role, db
from portal import clock
from portal.services.platform import accounts, audit, mail
from portal.services.reports import cio as cio_report

SCHEDULER = "the scheduler"


def make(
    month: date, made_by: Account | str | None, today: date, render: Callable[[cio_report.CioReport], bytes]
) -> MonthlyReport:
    """Build the month's report from the data and keep it as `render` draws it (replacing an earlier making);
    the caller commits. `made_by`: the person who asked, a name for who else did (the demo), or None for the
    scheduler. The caller passes the renderer (`portal.render.cio_report_pdf.render`): services return data and
    never import the render layer."""
    report = cio_report.build(month, current_app.config["ORGANISATION_NAME"], today)
    pdf = render(report)
    kept = db.session.scalar(select(MonthlyReport).where(MonthlyReport.month == month))
    who = made_by if isinstance(made_by, str) else made_by.name if made_by is not None else SCHEDULER
    if kept is None:
        kept = MonthlyReport(month=month, pdf=pdf, made_by=who, headlines=report.headlines)
        db.session.add(kept)
    else:
        kept.pdf, kept.made_by, kept.makings = pdf, who, kept.makings + 1
        kept.made_at, kept.headlines = clock.now(), report.headlines
    db.session.flush()
    actor = made_by if isinstance(made_by, Account) else None
    audit.record(actor, "make", "monthly_report", f"{month:%Y-%m}", {"makings": [None, kept.makings]})
    return kept


def recipients() -> list[str]:
    return [account.email for account in accounts.active_with_role(Role.CIO)]


def filename(kept: MonthlyReport) -> str:
    return f"it-customer-success-{kept.month:%Y-%m}.pdf"


def deliver(kept: MonthlyReport) -> str:
    """Send the report to the CIO (or file it in the outbox); records and returns how it went."""
    label = f"{kept.month:%B %Y}"
    told = "".join(f"- {line}\n" for line in kept.headlines)
    body = (
        f"The IT customer success report for {label} is attached: the organisation's health and how it moved, "
        f"the top risks, licence waste and savings, support and satisfaction, and the decisions asked of you.\n\n"
        + (f"The month in short:\n{told}\n" if told else "")
        + "Every earlier month is in Rapport's report archive."
    )
    how = mail.send(f"IT customer success: {label}", body, recipients(), [mail.Attachment(filename(kept), kept.pdf)])
    kept.delivery = how
    return how


def archive() -> list[MonthlyReport]:
    return list(db.session.scalars(select(MonthlyReport).order_by(MonthlyReport.month.desc())))
