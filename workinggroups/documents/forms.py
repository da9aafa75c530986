"""Upload forms."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import StringField, SubmitField
from wtforms.validators import Length


class DocumentForm(FlaskForm):
    """A new document."""

    title = StringField(_l("Title"), validators=[Length(max=200)])
    file = FileField(_l("File"))
    note = StringField(_l("Note"), validators=[Length(max=300)])
    submit = SubmitField(_l("Upload"))


class VersionForm(FlaskForm):
    """A new version of a document."""

    file = FileField(_l("File"))
    note = StringField(_l("What changed"), validators=[Length(max=300)])
    submit = SubmitField(_l("Upload a new version"))
