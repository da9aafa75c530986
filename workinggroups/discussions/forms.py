"""Forms of discussions."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, IntegerField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length

MARKDOWN_HELP = _l("Markdown works. Mention a person with @their@email.example or a whole "
                   "group with @group-slug.")


class ThreadForm(FlaskForm):
    """A new thread."""

    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=200)])
    body = TextAreaField(_l("Message"), validators=[DataRequired()])
    submit = SubmitField(_l("Start the thread"))


class ReplyForm(FlaskForm):
    """A reply."""

    body = TextAreaField(_l("Your reply"), validators=[DataRequired()])
    submit = SubmitField(_l("Reply"))


class EditForm(FlaskForm):
    """Edit a post; `version` is the one the editor started from."""

    body = TextAreaField(_l("Message"), validators=[DataRequired()])
    version = IntegerField(widget=HiddenField.widget)
    submit = SubmitField(_l("Save changes"))
