"""Outgoing e-mail: SMTP when configured, otherwise written to the log."""

import smtplib
from email.message import EmailMessage

from flask import current_app


def send_mail(to: str, subject: str, body: str) -> None:
    """Send one plain-text message; a failure is logged, never raised into a request."""
    cfg = current_app.config
    message = EmailMessage()
    message["From"] = cfg["MAIL_SENDER"]
    message["To"] = to
    message["Subject"] = subject
    message.set_content(body)
    sent = current_app.extensions.setdefault("sent_mail", [])
    if cfg.get("TESTING"):
        sent.append(message)
    if not cfg.get("MAIL_SERVER"):
        current_app.logger.info("mail (no SMTP configured) to=%s subject=%s\n%s", to, subject, body)
        return
    try:
        with smtplib.SMTP(cfg["MAIL_SERVER"], cfg["MAIL_PORT"], timeout=10) as smtp:
            if cfg.get("MAIL_USE_TLS"):
                smtp.starttls()
            if cfg.get("MAIL_USERNAME"):
                smtp.login(cfg["MAIL_USERNAME"], cfg["MAIL_PASSWORD"] or "")
            smtp.send_message(message)
    except (OSError, smtplib.SMTPException):
        current_app.logger.exception("could not send mail to %s", to)
