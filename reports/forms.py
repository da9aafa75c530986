"""The secretariat's form for an edition's foreword and notes."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, TextAreaField
from wtforms.validators import Length, Optional

from .services import TEXT_LIMIT


class EditionForm(FlaskForm):
    """Foreword and notes, each in English and Chinese (Markdown)."""

    foreword_en = TextAreaField(_l("Foreword (English)"), validators=[Optional(), Length(max=TEXT_LIMIT)])
    foreword_zh = TextAreaField(_l("Foreword (Chinese)"), validators=[Optional(), Length(max=TEXT_LIMIT)])
    notes_en = TextAreaField(_l("Notes (English)"), validators=[Optional(), Length(max=TEXT_LIMIT)])
    notes_zh = TextAreaField(_l("Notes (Chinese)"), validators=[Optional(), Length(max=TEXT_LIMIT)])
    version = HiddenField()
