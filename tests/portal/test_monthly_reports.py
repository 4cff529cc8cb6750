"""The monthly CIO report: made by its job and delivered (by SMTP, or to the outbox), made again for any
month from the archive, caught up when the scheduler missed the first of the month."""

from __future__ import annotations

import email
from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from jobs import schedule
from models import JobRun, MonthlyReport, Role, db
from portal import clock
from portal.services.reports import cio as cio_report
from tests.jobs.test_scheduler import only


def kept() -> list[MonthlyReport]:
    db.session.rollback()
    return list(db.session.scalars(select(MonthlyReport)))


def test_the_monthly_job_makes_last_months_report_and_files_it_in_the_outbox(app, outbox, make_account):
    make_account(role=Role.CIO.value, email="cio@example.test", name="Cleo CIO")
    outcome = schedule.execute(app, schedule.find("cio-report"), datetime.now(UTC))
    month = cio_report.last_month(clock.today())
    assert outcome.startswith(f"made the {month:%B %Y} report")
    [report] = kept()
    assert report.month == month and report.pdf.startswith(b"%PDF") and report.made_by == "the scheduler"
    [filed] = list(outbox.glob("*.eml"))
    message = email.message_from_bytes(filed.read_bytes())
    assert message["To"] == "cio@example.test" and message["Subject"] == f"IT customer success: {month:%B %Y}"
    [attachment] = [part for part in message.walk() if part.get_filename()]
    assert attachment.get_payload(decode=True) == report.pdf
    # The covering text tells the month in short: the report's own headlines, kept with it for the archive.
    [body] = [part for part in message.walk() if part.get_content_type() == "text/plain"]
    assert report.headlines and f"- {report.headlines[0]}" in body.get_payload(decode=True).decode()
    assert report.delivery.startswith("written to the outbox (no SMTP server is set)")


def test_with_an_smtp_server_the_report_is_sent(app, outbox, make_account, monkeypatch):
    make_account(role=Role.CIO.value, email="cio@example.test")
    sent = []

    class FakeSmtp:
        def __init__(self, host, port, timeout):
            sent.append((host, port))

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            return False

        def starttls(self):
            sent.append("tls")

        def login(self, user, password):
            sent.append(user)

        def send_message(self, message):
            sent.append(message["To"])

    monkeypatch.setattr("portal.services.platform.mail.smtplib.SMTP", FakeSmtp)
    monkeypatch.setitem(app.config, "SMTP_HOST", "mail.example.test")
    monkeypatch.setitem(app.config, "SMTP_USER", "rapport")
    schedule.execute(app, schedule.find("cio-report"), datetime.now(UTC))
    assert sent == [("mail.example.test", 587), "tls", "rapport", "cio@example.test"]
    assert kept()[0].delivery == "sent by email to cio@example.test"
    assert not outbox.exists() or not list(outbox.glob("*.eml"))


def test_a_first_of_the_month_missed_by_the_scheduler_still_gets_its_report(app, outbox, monkeypatch):
    two_days_ago = datetime.now(schedule.time_zone(app)) - timedelta(days=2)
    only(app, monkeypatch, cio_report=f"{two_days_ago.minute} {two_days_ago.hour} {two_days_ago.day} * *")
    assert "cio-report" in schedule.catch_up(app)
    assert len(kept()) == 1
    [run] = [run for run in db.session.scalars(select(JobRun)) if run.job == "cio-report"]
    assert (run.trigger, run.status) == ("catch_up", "succeeded")


def test_the_archive_lists_makes_again_and_downloads_for_the_cio_only(client, login_as):
    login_as(Role.CIO)
    assert "No report yet" in client.get("/reports/").get_data(as_text=True)
    assert client.post("/reports/make", data={"month": "2026-10"}).status_code == 303
    first = kept()[0].pdf
    client.post("/reports/make", data={"month": "2026-10"})
    [report] = kept()
    assert report.makings == 2
    page = client.get("/reports/").get_data(as_text=True)
    assert "October 2026" in page and "made 2 times" in page
    download = client.get("/reports/2026-10.pdf")
    assert download.mimetype == "application/pdf" and download.data == report.pdf and len(first) > 1000
    assert client.get("/reports/2026-13.pdf").status_code == 404
    refused = client.post("/reports/make", data={"month": "someday"}, follow_redirects=True)
    assert "Give the month as YYYY-MM" in refused.get_data(as_text=True)
    client.post("/logout")
    login_as(Role.ACCOUNT_MANAGER)  # refused (a department head is told nothing exists: the isolation test)
    assert client.get("/reports/").status_code == 403
    assert client.get("/reports/2026-10.pdf").status_code == 403
