"""Discussion pages: the group's threads, a thread with its replies, edit, follow or mute."""

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from portal.authz import access, require, require_visible
from portal.errors import Conflict, InvalidInput, NotFound
from portal.extensions import db
from portal.forms import show_errors

from .. import bp
from ..access import private_group_or_404
from . import services
from .forms import MARKDOWN_HELP, EditForm, ReplyForm, ThreadForm
from .mentions import post_html
from .models import Post, Thread


def thread_or_404(group, thread_id: int) -> Thread:
    """A thread of this group that the person may read."""
    thread = db.session.get(Thread, thread_id)
    return require_visible("thread.view", thread if thread and thread.group_id == group.id
                           else None)


@bp.get("/<slug>/threads")
@access("signed_in")
def threads(slug: str):
    """The group's threads, latest activity first."""
    group = private_group_or_404(slug)
    rows = db.session.scalars(services.threads_of(group)).all()
    return render_template("workinggroups/threads.html", group=group, threads=rows)


@bp.route("/<slug>/threads/new", methods=["GET", "POST"])
@access("signed_in")
def new_thread(slug: str):
    """Start a thread."""
    group = private_group_or_404(slug)
    form = ThreadForm()
    if form.validate_on_submit():
        try:
            thread = services.start_thread(current_user, group, form.title.data, form.body.data)
        except InvalidInput as e:
            show_errors(form, e)
        else:
            return redirect(url_for(".thread", slug=slug, thread_id=thread.id))
    status = 422 if form.is_submitted() else 200
    return render_template("workinggroups/thread_form.html", group=group, form=form,
                           help=MARKDOWN_HELP), status


@bp.get("/<slug>/threads/<int:thread_id>")
@access("signed_in")
def thread(slug: str, thread_id: int):
    """A thread and its replies; new replies arrive live."""
    group = private_group_or_404(slug)
    item = thread_or_404(group, thread_id)
    return _show(group, item, ReplyForm())


bp.add_app_template_filter(post_html, "post_html")


@bp.get("/<slug>/threads/<int:thread_id>/posts/<int:post_id>")
@access("signed_in")
def post_fragment(slug: str, thread_id: int, post_id: int):
    """One post as the thread page shows it, for a reply that arrives live."""
    group = private_group_or_404(slug)
    item = thread_or_404(group, thread_id)
    post = db.session.get(Post, post_id)
    if post is None or post.thread_id != item.id:
        raise NotFound()
    return render_template("workinggroups/_post.html", group=group, thread=item, p=post,
                           live=True)


def _show(group, item: Thread, form: ReplyForm, status: int = 200):
    return render_template("workinggroups/thread.html", group=group, thread=item, form=form,
                           help=MARKDOWN_HELP,
                           subscription=services.subscription_of(current_user, item)), status


@bp.post("/<slug>/threads/<int:thread_id>/reply")
@access("signed_in")
def post_reply(slug: str, thread_id: int):
    """Reply to a thread."""
    group = private_group_or_404(slug)
    item = thread_or_404(group, thread_id)
    require("thread.post", item)
    form = ReplyForm()
    if form.validate_on_submit():
        try:
            post = services.reply(current_user, item, form.body.data)
        except InvalidInput as e:
            show_errors(form, e)
        else:
            return redirect(url_for(".thread", slug=slug, thread_id=thread_id,
                                    _anchor=f"post-{post.id}"))
    return _show(group, item, form, 422)


@bp.route("/<slug>/threads/<int:thread_id>/posts/<int:post_id>/edit", methods=["GET", "POST"])
@access("signed_in")
def edit_post(slug: str, thread_id: int, post_id: int):
    """The author edits a post; a concurrent change is refused, never overwritten."""
    group = private_group_or_404(slug)
    item = thread_or_404(group, thread_id)
    post = db.session.get(Post, post_id)
    if post is None or post.thread_id != item.id:
        raise NotFound()
    require("post.edit", post)
    form = EditForm(body=post.body, version=post.version) if request.method == "GET" \
        else EditForm()
    status = 422 if form.is_submitted() else 200
    if form.validate_on_submit():
        try:
            services.edit_post(current_user, post, form.body.data, form.version.data)
        except InvalidInput as e:
            show_errors(form, e)
        except Conflict as e:
            form.form_errors = [e.message]
            post, status = db.session.get(Post, post_id), 409
        else:
            flash(_("Your changes are saved."), "success")
            return redirect(url_for(".thread", slug=slug, thread_id=thread_id,
                                    _anchor=f"post-{post_id}"))
    return render_template("workinggroups/post_edit.html", group=group, thread=item, post=post,
                           form=form, help=MARKDOWN_HELP), status


@bp.post("/<slug>/threads/<int:thread_id>/subscription")
@access("signed_in")
def subscription(slug: str, thread_id: int):
    """Follow, mute, or go back to the group's notification level."""
    group = private_group_or_404(slug)
    item = thread_or_404(group, thread_id)
    state = request.form.get("state") or None
    try:
        services.set_subscription(current_user, item, state)
    except InvalidInput:
        flash(_("Choose follow or mute."), "danger")
    else:
        flash({"follow": _("You follow this thread."), "mute": _("This thread is muted."),
               None: _("You hear of this thread as the group's level says.")}[state], "success")
    return redirect(url_for(".thread", slug=slug, thread_id=thread_id))
