"""The webhooks page: the organisation's webhooks, one's delivery log, register, delete."""

from flask import redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..api.helpers import page_args
from ..authz import access
from ..extensions import db
from ..forms import button_step, form_step
from . import bp, services
from .forms import WebhookForm


def _index(form: WebhookForm | None = None, secret: str | None = None, new_id: int | None = None,
           status: int = 200):
    return render_template("webhooks/index.html", webhooks=services.webhooks_of(current_user),
                           form=form or WebhookForm(), secret=secret, new_id=new_id), status


@bp.get("/")
@access("webhook.manage")
def index():
    """The organisation's webhooks and the form to register one."""
    return _index()


@bp.post("/")
@access("webhook.manage")
def create():
    """Register a webhook and show its secret once."""
    form = WebhookForm()
    made: dict = {}

    def register():
        made["webhook"], made["secret"] = services.register_webhook(
            current_user, form.url.data, form.events.data)

    if not form.validate_on_submit():
        return _index(form, status=422)
    return form_step(form, register, reshow=lambda code: _index(form, status=code),
                     done=lambda: _index(secret=made["secret"], new_id=made["webhook"].id),
                     message=_("The webhook is registered; a ping is on its way."))


@bp.get("/<int:webhook_id>")
@access("webhook.manage")
def show(webhook_id: int):
    """One webhook and its delivery log."""
    webhook = services.get_webhook(current_user, webhook_id)
    page, per_page = page_args()
    query = services.deliveries_query(webhook).limit(per_page).offset((page - 1) * per_page)
    return render_template("webhooks/show.html", webhook=webhook,
                           deliveries=db.session.scalars(query).all(), page=page,
                           per_page=per_page)


@bp.post("/<int:webhook_id>/delete")
@access("webhook.manage")
def delete(webhook_id: int):
    """Delete a webhook (after the page asked to confirm)."""
    return button_step(lambda: services.delete_webhook(current_user, webhook_id),
                       back=lambda: redirect(url_for(".index")),
                       message=_("The webhook is deleted."))


@bp.post("/<int:webhook_id>/enable")
@access("webhook.manage")
def enable(webhook_id: int):
    """Switch a webhook that was switched off back on."""
    return button_step(lambda: services.enable_webhook(current_user, webhook_id),
                       back=lambda: redirect(url_for(".show", webhook_id=webhook_id)),
                       message=_("The webhook is switched on again."))


@bp.post("/<int:webhook_id>/deliveries/<int:delivery_id>/redeliver")
@access("webhook.manage")
def redeliver(webhook_id: int, delivery_id: int):
    """Send one delivery again."""
    return button_step(lambda: services.redeliver(current_user, webhook_id, delivery_id),
                       back=lambda: redirect(url_for(".show", webhook_id=webhook_id)),
                       message=_("The delivery is sent again."))
