"""/api/v1/webhooks: register, list, delete, the delivery log, redeliver; and their OpenAPI."""

from flask import jsonify
from flask_login import current_user

from ..api.helpers import iso, json_body, paginated
from ..api.openapi import PAGING, error_responses, op, path_param, register_paths
from ..authz import access
from ..urls import page_url
from . import api_bp as bp
from . import services


def webhook_json(w) -> dict:
    """A webhook as the API shows it (never its secret); `url` is where it is sent."""
    return {"id": w.id, "url": w.url, "events": list(w.events or []), "active": w.active,
            "failures": w.failures, "created_at": iso(w.created_at),
            "disabled_at": iso(w.disabled_at),
            "page_url": page_url("webhooks.show", webhook_id=w.id)}


def delivery_json(d) -> dict:
    """One delivery: its stable event id, status and last answer."""
    return {"id": d.id, "event_id": d.event_id, "type": d.type, "status": d.status,
            "attempts": d.attempts, "response_code": d.response_code, "error": d.error,
            "created_at": iso(d.created_at), "last_attempt_at": iso(d.last_attempt_at),
            "next_attempt_at": iso(d.next_attempt_at), "delivered_at": iso(d.delivered_at)}


@bp.post("/webhooks")
@access("webhook.manage")
def create():
    """Register a webhook for the caller's organisation; the secret is in this answer only."""
    data = json_body()
    webhook, secret = services.register_webhook(current_user, data.get("url"), data.get("events"))
    return jsonify({**webhook_json(webhook), "secret": secret}), 201


@bp.get("/webhooks")
@access("webhook.manage")
def index():
    """The webhooks of the caller's organisation."""
    return jsonify(paginated(services.webhooks_query(current_user), webhook_json))


@bp.delete("/webhooks/<int:webhook_id>")
@access("webhook.manage")
def delete(webhook_id: int):
    """Delete one of the organisation's webhooks."""
    services.delete_webhook(current_user, webhook_id)
    return "", 204


@bp.get("/webhooks/<int:webhook_id>/deliveries")
@access("webhook.manage")
def deliveries(webhook_id: int):
    """The delivery log of one webhook, newest first."""
    webhook = services.get_webhook(current_user, webhook_id)
    return jsonify(paginated(services.deliveries_query(webhook), delivery_json))


@bp.post("/webhooks/<int:webhook_id>/deliveries/<int:delivery_id>/redeliver")
@access("webhook.manage")
def redeliver(webhook_id: int, delivery_id: int):
    """Send one delivery again (same id and body)."""
    delivery = services.redeliver(current_user, webhook_id, delivery_id)
    return jsonify(delivery_json(delivery)), 202


_EVENTS = {"type": "array", "minItems": 1, "items": {"type": "string",
                                                      "enum": sorted(services.EVENT_TYPES)}}
_WEBHOOK = {"type": "object", "required": ["id", "url", "events", "active"], "properties": {
    "id": {"type": "integer"}, "url": {"type": "string", "format": "uri"}, "events": _EVENTS,
    "active": {"type": "boolean"}, "failures": {"type": "integer"},
    "created_at": {"type": "string", "format": "date-time"},
    "disabled_at": {"type": "string", "format": "date-time", "nullable": True},
    "page_url": {"type": "string"}}}
_DELIVERY = {"type": "object", "required": ["id", "event_id", "type", "status", "attempts"],
             "properties": {
    "id": {"type": "integer"}, "event_id": {"type": "string", "format": "uuid"},
    "type": {"type": "string"},
    "status": {"type": "string", "enum": ["pending", "retrying", "sending", "delivered",
                                          "failed", "withheld"]},
    "attempts": {"type": "integer"}, "response_code": {"type": "integer", "nullable": True},
    "error": {"type": "string"},
    "created_at": {"type": "string", "format": "date-time"},
    "last_attempt_at": {"type": "string", "format": "date-time", "nullable": True},
    "next_attempt_at": {"type": "string", "format": "date-time", "nullable": True},
    "delivered_at": {"type": "string", "format": "date-time", "nullable": True}}}


def _page_of(item: dict) -> dict:
    return {"type": "object", "properties": {"items": {"type": "array", "items": item},
                                             "page": {"type": "integer"},
                                             "per_page": {"type": "integer"},
                                             "total": {"type": "integer"}}}


register_paths({
    "/webhooks": {
        "post": {**op(
            "Register a webhook for the caller's organisation (platform staff: the platform's)",
            tag="webhooks", ok=201, errors=(400, 401, 403, 409, 422),
            body={"type": "object", "required": ["url", "events"], "properties": {
                "url": {"type": "string", "format": "uri", "maxLength": services.MAX_URL},
                "events": _EVENTS}},
            response={**_WEBHOOK, "required": [*_WEBHOOK["required"], "secret"],
                      "properties": {**_WEBHOOK["properties"], "secret": {"type": "string"}}}),
            "description": "Each delivery is a POST of `{id, type, at, data}` with headers "
                           "`X-Portal-Event` and `X-Portal-Signature: sha256=<hex HMAC-SHA256 "
                           "of the raw body with the secret>`; a `ping` is sent at once. "
                           "`secret` is shown in this answer only. URLs that resolve to "
                           "loopback, link-local, private, multicast or reserved addresses "
                           "are refused (422 on `url`)."},
        "get": op("The webhooks of the caller's organisation", tag="webhooks",
                  params=PAGING, errors=(401, 403, 422), response=_page_of(_WEBHOOK))},
    "/webhooks/{webhook_id}": {"delete": {
        "summary": "Delete a webhook of the caller's organisation", "tags": ["webhooks"],
        "parameters": [path_param("webhook_id")],
        "responses": {"204": {"description": "Deleted"}, **error_responses(401, 403, 404)}}},
    "/webhooks/{webhook_id}/deliveries": {"get": op(
        "The delivery log of a webhook, newest first", tag="webhooks",
        params=[path_param("webhook_id"), *PAGING], errors=(401, 403, 404, 422),
        response=_page_of(_DELIVERY))},
    "/webhooks/{webhook_id}/deliveries/{delivery_id}/redeliver": {"post": op(
        "Send a delivery again with the same id and body", tag="webhooks", ok=202,
        params=[path_param("webhook_id"), path_param("delivery_id")],
        errors=(401, 403, 404, 409), response=_DELIVERY)},
})
