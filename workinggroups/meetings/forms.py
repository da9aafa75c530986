"""The chair's meeting form and the minutes form."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateTimeLocalField, SelectField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

COMMON_ZONES = ("Asia/Shanghai", "Asia/Hong_Kong", "Asia/Tokyo", "Europe/London", "Europe/Paris",
                "Europe/Berlin", "Europe/Stockholm", "Europe/Zurich", "America/New_York",
                "America/Los_Angeles", "UTC")


class MeetingForm(FlaskForm):
    """Title, local start and end in a time zone, how it is held, the agenda."""

    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=200)])
    starts_at = DateTimeLocalField(_l("Starts (local time)"), format="%Y-%m-%dT%H:%M",
                                   validators=[Optional()])
    ends_at = DateTimeLocalField(_l("Ends (local time)"), format="%Y-%m-%dT%H:%M",
                                 validators=[Optional()])
    timezone = SelectField(_l("Time zone"), choices=[(z, z) for z in COMMON_ZONES],
                           default="Asia/Shanghai")
    mode = SelectField(_l("Held"), choices=[("in_person", _l("In person")),
                                            ("online", _l("Online")), ("hybrid", _l("Hybrid"))])
    location = StringField(_l("Place"), validators=[Length(max=300)])
    link = StringField(_l("Meeting link"), validators=[Length(max=500)])
    agenda = TextAreaField(_l("Agenda (one item a line)"))
    submit = SubmitField(_l("Schedule"))


class MinutesForm(FlaskForm):
    """The minutes of a meeting, in Markdown."""

    minutes = TextAreaField(_l("Minutes (Markdown)"), validators=[DataRequired()])
    submit = SubmitField(_l("Save minutes"))
