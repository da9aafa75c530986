"""Secretariat pages: organisations, people and invitations, chair appointments."""

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import func, select
from sqlalchemy.orm import contains_eager, joinedload, selectinload

from ..authz import access
from ..errors import InvalidInput, NotFound
from ..extensions import db
from ..forms import button_step, rerender, show_errors
from ..mail import send_mail
from ..paging import page_of
from . import admin_bp as bp
from . import services
from .forms import AppointForm, InviteForm, OrganisationForm
from .groups import group_by_slug, group_list
from .links import make_link_token
from .models import ChairPosition, GroupMembership, Organisation, TwoFactor, User


def _group_choices():
    return [(g.slug, g.name_en) for g in group_list()]


def _get(model, id_):
    obj = db.session.get(model, id_)
    if obj is None:
        raise NotFound()
    return obj


@bp.get("/organisations")
@access("admin")
def organisations():
    """All organisations with their groups, a page at a time (the alliance has hundreds)."""
    page = page_of(select(Organisation)
                   .order_by(Organisation.kind, Organisation.name, Organisation.id)
                   .options(selectinload(Organisation.memberships)
                            .joinedload(GroupMembership.working_group)))
    people = dict(db.session.execute(
        select(User.organisation_id, func.count()).where(
            User.organisation_id.in_([o.id for o in page.rows])).group_by(User.organisation_id)
    ).all())
    return render_template("accounts/admin_organisations.html", organisations=page.rows,
                           page=page, people=people)


@bp.route("/organisations/new", methods=["GET", "POST"])
@access("admin")
def new_organisation():
    """Create an organisation."""
    form = OrganisationForm()
    form.groups.choices = _group_choices()
    if form.validate_on_submit():
        try:
            services.create_organisation(current_user, form.name.data, form.kind.data,
                                         form.country.data, form.groups.data)
        except InvalidInput as e:
            show_errors(form, e)
        else:
            flash(_("Organisation created."), "success")
            return redirect(url_for(".organisations"))
    if form.is_submitted():
        return rerender("accounts/admin_organisation_form.html", form, org=None)
    return render_template("accounts/admin_organisation_form.html", form=form, org=None)


@bp.route("/organisations/<int:org_id>", methods=["GET", "POST"])
@access("admin")
def edit_organisation(org_id: int):
    """Rename an organisation, set its groups, (de)activate it."""
    org = _get(Organisation, org_id)
    form = OrganisationForm(obj=org)
    form.groups.choices = _group_choices()
    del form.kind
    if request.method == "GET":
        form.groups.data = [g.slug for g in org.active_groups]
    if form.validate_on_submit():
        try:
            services.update_organisation(current_user, org, name=form.name.data,
                                         country=form.country.data, group_slugs=form.groups.data,
                                         is_active=form.is_active.data)
        except InvalidInput as e:
            show_errors(form, e)
        else:
            flash(_("Organisation saved."), "success")
            return redirect(url_for(".organisations"))
    if form.is_submitted():
        return rerender("accounts/admin_organisation_form.html", form, org=org)
    return render_template("accounts/admin_organisation_form.html", form=form, org=org)


@bp.get("/users")
@access("admin")
def users():
    """Everyone, by organisation, a page at a time (the alliance has thousands of people)."""
    page = page_of(select(User).join(User.organisation).options(contains_eager(User.organisation))
                   .order_by(Organisation.name, User.name, User.id))
    enrolled = set(db.session.scalars(select(TwoFactor.user_id).where(
        TwoFactor.confirmed_at.is_not(None), TwoFactor.user_id.in_([u.id for u in page.rows]))))
    return render_template("accounts/admin_users.html", users=page.rows, page=page,
                           enrolled=enrolled)


def _send_invitation(user: User) -> None:
    link = url_for("auth.accept_invitation", token=make_link_token(user, "invite"), _external=True)
    send_mail(user.email, _("You are invited to the alliance portal"),
              _("Open this link to choose your password:") + f"\n{link}\n")


@bp.route("/users/invite", methods=["GET", "POST"])
@access("admin")
def invite():
    """Invite a person: the account waits until they choose a password from the link."""
    form = InviteForm()
    form.organisation.choices = [(o.id, o.name) for o in db.session.scalars(
        select(Organisation).where(Organisation.is_active).order_by(Organisation.name))]
    form.chair_of.choices = [("", "—"), *_group_choices()]
    if form.validate_on_submit():
        try:
            user = services.create_user(
                current_user, email=form.email.data, name=form.name.data,
                organisation=db.session.get(Organisation, form.organisation.data),
                role=form.role.data, locale=form.locale.data, chair_of=form.chair_of.data or None)
        except InvalidInput as e:
            show_errors(form, e)
        else:
            _send_invitation(user)
            flash(_("Invitation sent to %(email)s.", email=user.email), "success")
            return redirect(url_for(".users"))
    if form.is_submitted():
        return rerender("accounts/admin_invite.html", form)
    return render_template("accounts/admin_invite.html", form=form)


@bp.post("/users/<int:user_id>/resend")
@access("admin")
def resend_invitation(user_id: int):
    """Send the invitation link again to someone who has no password yet."""
    user = _get(User, user_id)
    if user.password_hash:
        flash(_("This person has already set a password."), "warning")
    else:
        _send_invitation(user)
        flash(_("Invitation sent to %(email)s.", email=user.email), "success")
    return redirect(url_for(".users"))


@bp.post("/users/<int:user_id>/active")
@access("admin")
def set_active(user_id: int):
    """Deactivate or reactivate an account."""
    user = _get(User, user_id)
    services.set_active(current_user, user, request.form.get("active") == "1")
    flash(_("Account updated."), "success")
    return redirect(url_for(".users"))


@bp.route("/chairs", methods=["GET", "POST"])
@access("admin")
def chairs():
    """Current and past chair appointments; appoint a new one."""
    form = AppointForm()
    # Thousands of people at full scale: their names only, not their accounts.
    form.user.choices = [(user_id, f"{name} — {company}") for user_id, name, company in
                         db.session.execute(
                             select(User.id, User.name, Organisation.name).join(User.organisation)
                             .where(Organisation.kind == "member").order_by(User.name, User.id))]
    form.group.choices = _group_choices()
    if form.validate_on_submit():
        try:
            services.appoint_chair(current_user, db.session.get(User, form.user.data),
                                   group_by_slug(form.group.data), form.title.data,
                                   form.starts_on.data, form.ends_on.data)
        except InvalidInput as e:
            show_errors(form, e)
        else:
            flash(_("Appointment recorded."), "success")
            return redirect(url_for(".chairs"))
    positions = db.session.scalars(
        select(ChairPosition).order_by(ChairPosition.starts_on.desc(), ChairPosition.id.desc())
        .options(joinedload(ChairPosition.working_group),
                 joinedload(ChairPosition.user).joinedload(User.organisation))).all()
    status = 422 if form.is_submitted() else 200
    return render_template("accounts/admin_chairs.html", form=form, positions=positions), status


@bp.post("/chairs/<int:position_id>/end")
@access("admin")
def end_position(position_id: int):
    """End an appointment today."""
    services.end_position(current_user, _get(ChairPosition, position_id))
    flash(_("The term has ended."), "success")
    return redirect(url_for(".chairs"))


@bp.post("/users/<int:user_id>/two-factor/reset")
@access("admin")
def reset_two_factor(user_id: int):
    """Clear a person's second factor (a lost phone); audited, and their sessions end."""
    from . import twofactor

    user = _get(User, user_id)
    return button_step(lambda: twofactor.admin_reset(current_user, user),
                       back=lambda: redirect(url_for(".users")),
                       message=_("The second factor of %(name)s is reset.", name=user.name))
