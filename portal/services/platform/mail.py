"""Sending a message: by SMTP when RAPPORT_SMTP_HOST is set, otherwise into the outbox folder, where an admin
finds it (a complete .eml file, attachments included) and nothing is lost."""

from __future__ import annotations

import re
import smtplib
from collections.abc import Sequence
from dataclasses import dataclass
from email.message import EmailMessage
from pathlib import Path

from flask import current_app

from portal import clock


@dataclass(frozen=True)
class Attachment:
    filename: str
    content: bytes
    mimetype: str = "application/pdf"


def outbox() -> Path:
    folder = Path(current_app.config["MAIL_OUTBOX"] or Path(current_app.instance_path) / "outbox")
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def message(subject: str, body: str, to: Sequence[str], attachments: Sequence[Attachment] = ()) -> EmailMessage:
    mail = EmailMessage()
    mail["Subject"], mail["From"], mail["To"] = subject, current_app.config["MAIL_FROM"], ", ".join(to)
    mail["Date"] = clock.now().strftime("%a, %d %b %Y %H:%M:%S +0000")
    mail.set_content(body)
    for attachment in attachments:
        main, sub = attachment.mimetype.split("/", 1)
        mail.add_attachment(attachment.content, maintype=main, subtype=sub, filename=attachment.filename)
    return mail


def send(subject: str, body: str, to: Sequence[str], attachments: Sequence[Attachment] = ()) -> str:
    """Send or file the message; returns how it went, in words for the record."""
    mail = message(subject, body, to, attachments)
    config = current_app.config
    if config["SMTP_HOST"] and to:
        with smtplib.SMTP(config["SMTP_HOST"], config["SMTP_PORT"], timeout=30) as smtp:
            if config["SMTP_STARTTLS"]:
                smtp.starttls()
            if config["SMTP_USER"]:
                smtp.login(config["SMTP_USER"], config["SMTP_PASSWORD"])
            smtp.send_message(mail)
        return f"sent by email to {', '.join(to)}"
    stamp = clock.now().strftime("%Y%m%d-%H%M%S-%f")
    slug = re.sub(r"[^a-z0-9]+", "-", subject.lower()).strip("-")[:60] or "message"
    path = outbox() / f"{stamp}-{slug}.eml"
    path.write_bytes(bytes(mail))
    why = "no SMTP server is set" if not config["SMTP_HOST"] else "nobody to send it to"
    return f"written to the outbox ({why}): {path}" + (f"; for {', '.join(to)}" if to else "")
