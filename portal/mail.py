"""Outgoing e-mail: delivered by a job over SMTP when configured, otherwise written to the log."""

import smtplib
from email.message import EmailMessage

from flask import current_app

from .jobs.queue import job


def send_mail(to: str, subject: str, body: str) -> None:
    """Queue one plain-text message; a failure is retried by the queue, never raised here."""
    cfg = current_app.config
    if cfg.get("TESTING"):
        current_app.extensions.setdefault("sent_mail", []).append(_message(to, subject, body))
    if not cfg.get("MAIL_SERVER"):
        current_app.logger.info("mail (no SMTP configured) to=%s subject=%s\n%s", to, subject, body)
        return
    try:
        deliver_mail(to, subject, body)
    except Exception:  # the queue itself unreachable: say so, do not break the request
        current_app.logger.exception("could not queue mail to %s", to)


def _message(to: str, subject: str, body: str) -> EmailMessage:
    message = EmailMessage()
    message["From"] = current_app.config["MAIL_SENDER"]
    message["To"] = to
    message["Subject"] = subject
    message.set_content(body)
    return message


@job("send-mail", retries=5, retry_delay=60)
def deliver_mail(to: str, subject: str, body: str) -> None:
    """Hand one message to the SMTP server; raises (and so is retried) when that fails."""
    cfg = current_app.config
    with smtplib.SMTP(cfg["MAIL_SERVER"], cfg["MAIL_PORT"], timeout=10) as smtp:
        if cfg.get("MAIL_USE_TLS"):
            smtp.starttls()
        if cfg.get("MAIL_USERNAME"):
            smtp.login(cfg["MAIL_USERNAME"], cfg["MAIL_PASSWORD"] or "")
        smtp.send_message(_message(to, subject, body))
