"""Forms of the scanning pages."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import DateField, HiddenField, SelectField, StringField, SubmitField
from wtforms.validators import DataRequired, Optional


class FeedForm(FlaskForm):
    """A feed file to scan in the background."""

    feed = FileField(_l("Feed file (CSV with a header row, or JSON Lines)"))
    submit = SubmitField(_l("Upload and scan"))


class OutcomeForm(FlaskForm):
    """What became of a hit."""

    outcome = HiddenField(validators=[DataRequired()])


class HitFilterForm(FlaskForm):
    """Narrow the hit list (a GET form)."""

    class Meta:
        csrf = False

    rule_id = StringField(_l("Rule number"), validators=[Optional()])
    tip_id = StringField(_l("Tip number"), validators=[Optional()])
    seller_id = StringField(_l("Seller"), validators=[Optional()])
    mode = SelectField(_l("Mode"), choices=[("", _l("Any mode")), ("active", _l("Active")),
                                            ("shadow", _l("Shadow"))], validators=[Optional()])
    outcome = SelectField(_l("Outcome"), choices=[
        ("", _l("Any outcome")), ("none", _l("No outcome yet")),
        ("taken_down", _l("Taken down")), ("false_positive", _l("False positive"))],
        validators=[Optional()])
    since = DateField(_l("From"), validators=[Optional()])
    until = DateField(_l("Until"), validators=[Optional()])
