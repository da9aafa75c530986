"""Forms of the tracker's pages (CSRF on every one).

Choices of the step forms are checked by the services, after who may do what, so a person
without the role hears 403 whatever they sent, and everyone reads the same messages as the API.
"""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    HiddenField,
    IntegerField,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, Optional

from .lifecycle import STATUS_LABELS, STATUSES
from .models import CATEGORIES

CATEGORY_LABELS = {
    "policy": _l("Platform policy"), "enforcement": _l("Enforcement"),
    "proactive_monitoring": _l("Proactive monitoring"),
    "offline_investigation": _l("Offline investigation"), "litigation": _l("Litigation"),
    "ip_protection": _l("IP protection"), "other": _l("Other"),
}
VOTE_LABELS = {"support": _l("Support"), "object": _l("Oppose"), "abstain": _l("Abstain")}
DECISION_LABELS = {"endorsed": _l("Endorse"), "returned": _l("Return for more information"),
                   "declined": _l("Decline")}
RESPONSE_LABELS = {"accepted": _l("Accepted"), "partially_accepted": _l("Partially accepted"),
                   "declined": _l("Declined")}


class RecommendationForm(FlaskForm):
    """Draft or edit a recommendation."""

    working_group = SelectField(_l("Working group"), choices=[])
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=200)])
    summary = TextAreaField(_l("Summary"), validators=[DataRequired(), Length(max=2000)])
    body = TextAreaField(_l("Full text (Markdown)"), validators=[Optional(), Length(max=20000)])
    category = SelectField(_l("Category"), choices=[(c, CATEGORY_LABELS[c]) for c in CATEGORIES])
    hide_tally = BooleanField(_l("Hide how chairs voted until the board decides"))
    version = HiddenField()
    submit = SubmitField(_l("Save draft"))


class VoteForm(FlaskForm):
    """A board member's vote."""

    # No default: a vote is a choice the chair makes, never one made for them.
    position = SelectField(_l("Your vote"),
                           choices=[("", _l("— choose your vote —"))] + list(VOTE_LABELS.items()),
                           validate_choice=False, render_kw={"required": True})
    comment = StringField(_l("Comment (optional)"), validators=[Optional(), Length(max=5000)])
    submit = SubmitField(_l("Cast vote"))


class DecisionForm(FlaskForm):
    """The board's decision, recorded by the secretariat."""

    outcome = SelectField(_l("Decision"), choices=list(DECISION_LABELS.items()),
                          validate_choice=False)
    note = TextAreaField(_l("Note"), validators=[Optional(), Length(max=5000)])
    submit = SubmitField(_l("Record decision"))


class ResponseForm(FlaskForm):
    """The platform's response."""

    outcome = SelectField(_l("Response"), choices=list(RESPONSE_LABELS.items()),
                          validate_choice=False)
    rationale = TextAreaField(_l("Rationale"))
    submit = SubmitField(_l("Send response"))


class CommentForm(FlaskForm):
    """A remark during board review."""

    body = TextAreaField(_l("Comment"))
    submit = SubmitField(_l("Add comment"))


class CompleteForm(FlaskForm):
    """Report the recommendation implemented (a reason is needed below 100 %)."""

    note = TextAreaField(_l("Why it counts as implemented"),
                         validators=[Optional(), Length(max=5000)])
    submit = SubmitField(_l("Report implemented"))


class MilestoneForm(FlaskForm):
    """An implementation milestone."""

    title = StringField(_l("Milestone"))
    target_date = DateField(_l("Target date"), validators=[Optional()])
    # The range is the service's to check, after who-may-do-what.
    progress = IntegerField(_l("Progress %"), default=0, validators=[Optional()])
    submit = SubmitField(_l("Add milestone"))


class LinkForm(FlaskForm):
    """A link to a meeting, tip or test purchase."""

    kind = SelectField(_l("Kind"), choices=[], validate_choice=False)
    ref = StringField(_l("Reference (number)"))
    submit = SubmitField(_l("Add link"))


class FilterForm(FlaskForm):
    """The tracker's filters (a GET form, no CSRF)."""

    class Meta:
        csrf = False

    status = SelectField(_l("Status"), choices=[("", _l("Any status"))]
                         + [(s, STATUS_LABELS[s]) for s in STATUSES])
    working_group = SelectField(_l("Working group"), choices=[])
    category = SelectField(_l("Category"), choices=[("", _l("Any category"))]
                           + [(c, CATEGORY_LABELS[c]) for c in CATEGORIES])
    year = SelectField(_l("Year"), choices=[])
