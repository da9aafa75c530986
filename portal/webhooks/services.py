"""Registering webhooks, turning events into deliveries, and delivering them.

A delivery is written in the transaction of the change that caused it (its body fixed then,
so every attempt sends the same bytes under the same id) and sent by a job after commit.
Before each attempt the policy is asked again whether the organisation may still see what
the event is about, and the URL's address is checked again.
"""

import hashlib
import hmac
import http.client
import json
import secrets
import uuid
from datetime import timedelta
from typing import Any

from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import false, or_, select, update

from .. import parsing
from ..aftercommit import after_commit
from ..audit.services import record
from ..authz import can, require, require_visible
from ..errors import Conflict, InvalidInput, NotFound
from ..extensions import db
from ..jobs import job, periodic
from ..models import utcnow
from ..notifications.events import Event
from ..transaction import atomic
from ..urls import page_url
from . import addresses
from .access import receivers
from .models import Webhook, WebhookDelivery

# The events a member's system can ask for, and what each says.
EVENT_TYPES = {
    "tip.submitted": _l("A tip is waiting to be vetted (platform)"),
    "tip.accepted": _l("A tip was accepted"),
    "tip.rejected": _l("A tip was rejected"),
    "tip.needs_info": _l("More information was asked for a tip"),
    "tip.comment": _l("A comment on a tip"),
    "rule.activated": _l("A rule was switched on (platform)"),
    "hit.created": _l("New hits from active rules (platform)"),
    "hit.outcome": _l("The outcome of a hit was recorded (platform)"),
    "test_purchase.status": _l("A test purchase moved on (joined, scheduled, ordered, received, "
                               "authenticated, closed, cancelled, outcome)"),
    "recommendation.status": _l("A recommendation moved on (submitted, decided, answered …)"),
    "meeting.scheduled": _l("A meeting was scheduled"),
    "meeting.changed": _l("A meeting was changed"),
}
OPEN = ("pending", "retrying")
MAX_URL = 2000


def sign(secret: str, body: bytes) -> str:
    """The X-Portal-Signature of a body: sha256=<hex HMAC-SHA256 with the secret>."""
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def _allow_private(webhook: Webhook | None = None) -> bool:
    return bool(current_app.config.get("WEBHOOK_ALLOW_PRIVATE")) or bool(
        webhook is not None and webhook.allow_private)


_REFUSALS = {
    "not a valid URL": _l("Enter a valid URL."),
    "only http and https URLs": _l("Only http:// and https:// URLs can receive webhooks."),
    "the URL has no host": _l("The URL needs a host name."),
    "the URL must not carry a user name or password": _l(
        "Leave the user name and password out of the URL; check the signature instead."),
    "the host name cannot be found": _l("The host name cannot be found."),
    "the host is on a loopback, private or reserved network": _l(
        "This address is on a loopback, private or reserved network, which the portal does not "
        "send to."),
}


def _checked_url(value: Any, errors: dict[str, str], allow_private: bool) -> str | None:
    url = parsing.collect(errors, parsing.text, value, "url", required=True, max_length=MAX_URL)
    if not url:
        return None
    try:
        addresses.resolve(url, allow_private=allow_private or _allow_private())
    except addresses.AddressRefused as refused:
        errors["url"] = str(_REFUSALS.get(str(refused), _l("Enter a valid URL.")))
        return None
    return url


def _checked_events(value: Any, errors: dict[str, str]) -> list[str]:
    if not isinstance(value, list) or not value:
        errors["events"] = _("Choose at least one event.")
        return []
    unknown = [str(v)[:60] for v in value if not isinstance(v, str) or v not in EVENT_TYPES]
    if unknown:
        errors["events"] = _("Unknown events: %(names)s. Choose from: %(choices)s.",
                             names=", ".join(unknown), choices=", ".join(EVENT_TYPES))
        return []
    return list(dict.fromkeys(value))


@atomic
def register_webhook(user: Any, url: Any, events: Any, *,
                     allow_private: bool = False) -> tuple[Webhook, str]:
    """A webhook for the user's organisation; the secret is returned this once. A ping is sent.

    `allow_private` (the install's command line only, for its operators) lets this webhook
    reach loopback and private addresses."""
    require("webhook.manage", user=user)
    errors: dict[str, str] = {}
    url = _checked_url(url, errors, allow_private)
    events = _checked_events(events, errors)
    parsing.raise_errors(errors)
    limit = current_app.config["WEBHOOK_MAX_PER_ORGANISATION"]
    if len(webhooks_of(user)) >= limit:
        raise Conflict(_("An organisation can have at most %(n)d webhooks.", n=limit),
                       code="too_many_webhooks")
    secret = "whsec_" + secrets.token_urlsafe(32)
    webhook = Webhook(organisation_id=user.organisation_id, url=url, events=events,
                      secret=secret, created_by_id=user.id, created_at=utcnow(),
                      allow_private=allow_private)
    db.session.add(webhook)
    db.session.flush()
    record(user, "webhook.create", webhook, f"Webhook {webhook.id} to {url}", events=events)
    delivery = _delivery(webhook, "ping", user, {"webhook": {"id": webhook.id, "events": events}})
    _send_after_commit([delivery])
    db.session.commit()
    return webhook, secret


def webhooks_query(user: Any):
    """The webhooks of the user's organisation, newest first (none for those who keep none)."""
    query = select(Webhook).where(Webhook.organisation_id == user.organisation_id,
                                  Webhook.deleted_at.is_(None)).order_by(Webhook.id.desc())
    return query if can(user, "webhook.manage") else query.where(false())


def webhooks_of(user: Any) -> list[Webhook]:
    """The webhooks of the user's organisation, newest first."""
    return list(db.session.scalars(webhooks_query(user)))


def get_webhook(user: Any, webhook_id: int) -> Webhook:
    """The user's organisation's webhook, or 404."""
    return require_visible("webhook.view", db.session.get(Webhook, webhook_id), user=user)


def deliveries_query(webhook: Webhook):
    """The deliveries to a webhook, newest first."""
    return (select(WebhookDelivery).where(WebhookDelivery.webhook_id == webhook.id)
            .order_by(WebhookDelivery.id.desc()))


@atomic
def delete_webhook(user: Any, webhook_id: int) -> None:
    """Stop sending to a webhook (it and its log are kept, out of sight)."""
    webhook = get_webhook(user, webhook_id)
    webhook.deleted_at = utcnow()
    webhook.active = False
    record(user, "webhook.delete", webhook, f"Webhook {webhook.id} deleted")
    db.session.commit()


@atomic
def enable_webhook(user: Any, webhook_id: int) -> Webhook:
    """Switch a webhook that was switched off back on (its URL is checked again)."""
    webhook = get_webhook(user, webhook_id)
    if webhook.active:
        return webhook
    try:
        addresses.resolve(webhook.url, allow_private=_allow_private(webhook))
    except addresses.AddressRefused as refused:
        raise InvalidInput({"url": str(_REFUSALS.get(str(refused), refused))}) from None
    webhook.active, webhook.failures, webhook.disabled_at = True, 0, None
    record(user, "webhook.enable", webhook, f"Webhook {webhook.id} switched on again")
    db.session.commit()
    return webhook


@atomic
def redeliver(user: Any, webhook_id: int, delivery_id: int) -> WebhookDelivery:
    """Send a delivery again, same id and body, with a fresh round of attempts."""
    webhook = get_webhook(user, webhook_id)
    delivery = db.session.get(WebhookDelivery, delivery_id)
    if delivery is None or delivery.webhook_id != webhook.id:
        raise NotFound()
    if not webhook.active:
        raise Conflict(_("This webhook is switched off. Switch it on first."),
                       code="webhook_disabled")
    now = utcnow()
    done = db.session.execute(
        update(WebhookDelivery).where(WebhookDelivery.id == delivery.id,
                                      WebhookDelivery.status.in_(("delivered", "failed",
                                                                  "withheld")))
        .values(status="pending", attempts=0, next_attempt_at=now, error="")
        .execution_options(synchronize_session=False)).rowcount
    if done != 1:
        raise Conflict(_("This delivery is still being sent."), code="delivery_open")
    record(user, "webhook.redeliver", webhook, f"Delivery {delivery.id} sent again")
    _send_after_commit([delivery])
    db.session.commit()
    db.session.refresh(delivery)
    return delivery


# --- events into deliveries --------------------------------------------------------------


def _delivery(webhook: Webhook, type_: str, viewer: Any, data: dict,
              event: Event | None = None) -> WebhookDelivery:
    event_id = str(uuid.uuid4())
    now = utcnow()
    body = json.dumps({"id": event_id, "type": type_, "at": now.isoformat(), "data": data},
                      ensure_ascii=False, separators=(",", ":"), default=str)
    about = event.about() if event is not None else None
    delivery = WebhookDelivery(
        webhook_id=webhook.id, event_id=event_id, type=type_, body=body, status="pending",
        attempts=0, created_at=now, next_attempt_at=now, viewer_id=viewer.id,
        about_table=about[0] if about else None, about_id=about[1] if about else None,
        view_rule=event.view_rule if event is not None else None)
    db.session.add(delivery)
    return delivery


def on_event(event: Event) -> None:
    """For each organisation in the event's audience, a delivery to each of its webhooks that
    asked for this type; the payload is what that organisation's reader was shown."""
    if event.type not in EVENT_TYPES:
        return
    readers: dict[int, Any] = {}
    for person in event.audience:
        readers.setdefault(person.organisation_id, person)
    hooks = db.session.scalars(select(Webhook).where(
        Webhook.organisation_id.in_(readers), Webhook.active.is_(True),
        Webhook.deleted_at.is_(None)).order_by(Webhook.id)).all()
    created = [_delivery(hook, event.type, readers[hook.organisation_id],
                         _absolute(event.payload_for(readers[hook.organisation_id])), event)
               for hook in hooks if hook.wants(event.type)]
    if created:
        db.session.flush()
        _send_after_commit(created)


def _absolute(data: dict) -> dict:
    """Links in a payload as full URLs when the portal knows its public address."""
    base = (current_app.config.get("PUBLIC_BASE_URL") or "").rstrip("/")
    about = data.get("object")
    if base and isinstance(about, dict) and str(about.get("url", "")).startswith("/"):
        data["object"] = {**about, "url": base + about["url"]}
    if base and str(data.get("url", "")).startswith("/"):
        data["url"] = base + data["url"]
    return data


def _send_after_commit(deliveries: list[WebhookDelivery]) -> None:
    db.session.flush()
    ids = [d.id for d in deliveries]
    after_commit(db.session(), lambda: [_enqueue(i) for i in ids])


def _enqueue(delivery_id: int, delay: float | None = None) -> None:
    try:
        if delay:
            deliver_webhook.schedule((delivery_id,), delay=delay)
        else:
            deliver_webhook(delivery_id)
    except Exception:  # the queue unreachable: the sweep sends it later
        current_app.logger.exception("could not queue webhook delivery %s", delivery_id)


# --- delivering ----------------------------------------------------------------------------


def backoff(attempts: int) -> float:
    """Seconds to wait after attempt number `attempts` failed: base, 2×, 4× …"""
    return float(current_app.config["WEBHOOK_RETRY_BASE_SECONDS"]) * 2 ** (attempts - 1)


def _claim(delivery_id: int) -> bool:
    """Take the delivery for one attempt (one worker only; a lost worker's lease runs out)."""
    now = utcnow()
    lease = now + timedelta(seconds=float(current_app.config["WEBHOOK_TIMEOUT_SECONDS"]) + 60)
    claimed = db.session.execute(
        update(WebhookDelivery).where(
            WebhookDelivery.id == delivery_id,
            WebhookDelivery.status.in_((*OPEN, "sending")),
            or_(WebhookDelivery.next_attempt_at.is_(None), WebhookDelivery.next_attempt_at <= now))
        .values(status="sending", attempts=WebhookDelivery.attempts + 1, last_attempt_at=now,
                next_attempt_at=lease)
        .execution_options(synchronize_session=False)).rowcount == 1
    db.session.commit()
    return claimed


def _may_still_see(delivery: WebhookDelivery) -> bool:
    """Whether the organisation may still be told: the webhook kept, the reader still one of
    its people and still allowed to see what the event is about."""
    webhook, viewer = delivery.webhook, delivery.viewer
    if not webhook.active or webhook.deleted_at is not None or not webhook.wants(delivery.type):
        return False
    if viewer is None or not viewer.is_active or viewer.organisation_id != webhook.organisation_id:
        return False
    if not delivery.view_rule:
        return True
    obj = None
    if delivery.about_table:
        from ..notifications.services import _model_of

        model = _model_of(delivery.about_table)
        obj = db.session.get(model, delivery.about_id) if model is not None else None
        if obj is None:
            return False
    return can(viewer, delivery.view_rule, obj)


def _post(delivery: WebhookDelivery) -> tuple[int | None, str]:
    """One attempt: (HTTP status or None, error text)."""
    webhook = delivery.webhook
    try:
        target = addresses.resolve(webhook.url, allow_private=_allow_private(webhook))
    except addresses.AddressRefused as refused:
        return None, str(refused)
    body = delivery.body.encode()
    headers = {"Content-Type": "application/json", "User-Agent": "AlliancePortal-Webhook/1",
               "X-Portal-Event": delivery.type, "X-Portal-Delivery": delivery.event_id,
               "X-Portal-Signature": sign(webhook.secret, body)}
    try:
        code = addresses.post(target, body, headers,
                              float(current_app.config["WEBHOOK_TIMEOUT_SECONDS"]))
    except (OSError, ValueError, http.client.HTTPException) as error:
        return None, (type(error).__name__ + ": " + str(error))[:300]
    return code, "" if 200 <= code < 300 else f"HTTP {code}"


@job("deliver-webhook", retries=0)
def deliver_webhook(delivery_id: int) -> None:
    """Attempt one delivery; on failure plan the next attempt with exponential backoff."""
    attempt(delivery_id)


def attempt(delivery_id: int) -> str | None:
    """One attempt at a delivery if it is due; its status afterwards (None if not due)."""
    if not _claim(delivery_id):
        return None
    delivery = db.session.get(WebhookDelivery, delivery_id)
    if not _may_still_see(delivery):
        delivery.status, delivery.next_attempt_at = "withheld", None
        db.session.commit()
        return delivery.status
    code, error = _post(delivery)
    delivery.response_code, delivery.error = code, error
    if not error:
        delivery.status, delivery.next_attempt_at, delivery.delivered_at = "delivered", None, utcnow()
        delivery.webhook.failures = 0
        db.session.commit()
        return delivery.status
    if delivery.attempts < int(current_app.config["WEBHOOK_ATTEMPTS"]):
        wait = backoff(delivery.attempts)
        delivery.status = "retrying"
        delivery.next_attempt_at = delivery.last_attempt_at + timedelta(seconds=wait)
        db.session.commit()
        _enqueue(delivery_id, delay=wait)
        return delivery.status
    delivery.status, delivery.next_attempt_at = "failed", None
    _count_failure(delivery.webhook)
    db.session.commit()
    return delivery.status


def _count_failure(webhook: Webhook) -> None:
    """One more delivery that used every attempt; enough in a row switch the webhook off and
    its organisation is told."""
    db.session.execute(update(Webhook).where(Webhook.id == webhook.id)
                       .values(failures=Webhook.failures + 1)
                       .execution_options(synchronize_session=False))
    db.session.refresh(webhook)
    if webhook.failures < int(current_app.config["WEBHOOK_DISABLE_AFTER"]):
        return
    switched = db.session.execute(
        update(Webhook).where(Webhook.id == webhook.id, Webhook.active.is_(True))
        .values(active=False, disabled_at=utcnow())
        .execution_options(synchronize_session=False)).rowcount == 1
    if not switched:
        return
    db.session.refresh(webhook)
    from ..notifications.services import notify

    record(None, "webhook.disable", webhook,
           f"Webhook {webhook.id} switched off after {webhook.failures} failed deliveries")
    notify(receivers(webhook.organisation.users), "webhook.disabled",
           _l("Your webhook to %(url)s kept failing and was switched off.", url=webhook.url),
           page_url("webhooks.show", webhook_id=webhook.id), obj=webhook,
           view_rule="webhook.view", email=True, webhook_id=webhook.id)


def due_deliveries() -> list[int]:
    """Deliveries whose next attempt is due (or whose worker was lost)."""
    return list(db.session.scalars(select(WebhookDelivery.id).where(
        WebhookDelivery.status.in_((*OPEN, "sending")),
        WebhookDelivery.next_attempt_at <= utcnow()).order_by(WebhookDelivery.id).limit(500)))


def run_due() -> int:
    """Attempt every due delivery now; how many were attempted."""
    return sum(attempt(i) is not None for i in due_deliveries())


@periodic("retry-webhooks", "* * * * *")
def retry_webhooks() -> None:
    """Every minute: queue the deliveries that are due, should their own job be lost."""
    for delivery_id in due_deliveries():
        _enqueue(delivery_id)
