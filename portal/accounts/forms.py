"""Forms of the profile and admin pages."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    EmailField,
    IntegerField,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
)
from wtforms.validators import DataRequired, Email, Length, Optional

from ..forms import Between, KeptOptionsSelect

LANGUAGE_CHOICES = [("en", "English"), ("zh", "中文")]


class ProfileForm(FlaskForm):
    """Name, language and mail preference."""

    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=120)])
    locale = SelectField(_l("Language"), choices=LANGUAGE_CHOICES)
    timezone = SelectField(_l("Time zone"), choices=[], validate_choice=False,
                           widget=KeptOptionsSelect())
    email_notifications = BooleanField(_l("Also send my notifications by e-mail"))
    submit = SubmitField(_l("Save"))


class TokenForm(FlaskForm):
    """A new API token."""

    name = StringField(_l("Token name"), validators=[DataRequired(), Length(max=80)])
    days = IntegerField(_l("Valid for (days)"), default=90,
                        validators=[DataRequired(), Between(1, 366)])
    submit = SubmitField(_l("Create token"))


class OrganisationForm(FlaskForm):
    """Create or edit an organisation."""

    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=200)])
    kind = SelectField(_l("Kind"), choices=[("member", _l("Member company")),
                                            ("platform", _l("Platform operator")),
                                            ("secretariat", _l("Alliance secretariat"))])
    country = StringField(_l("Country"), validators=[Optional(), Length(max=80)])
    groups = SelectMultipleField(_l("Working groups"), choices=[])
    is_active = BooleanField(_l("Active"), default=True)
    submit = SubmitField(_l("Save"))


class InviteForm(FlaskForm):
    """Invite a person by e-mail."""

    email = EmailField(_l("E-mail"), validators=[DataRequired(), Email()])
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=120)])
    organisation = SelectField(_l("Organisation"), coerce=int, choices=[])
    role = SelectField(_l("Role"), choices=[("member", _l("Member")), ("chair", _l("Chair")),
                                            ("staff", _l("Platform staff")),
                                            ("admin", _l("Admin"))])
    chair_of = SelectField(_l("Chair of (for chairs)"), choices=[], validators=[Optional()])
    locale = SelectField(_l("Language"), choices=LANGUAGE_CHOICES)
    submit = SubmitField(_l("Send invitation"))


class AppointForm(FlaskForm):
    """Appoint a chair or vice-chair."""

    user = SelectField(_l("Person"), coerce=int, choices=[], widget=KeptOptionsSelect())
    group = SelectField(_l("Working group"), choices=[])
    title = SelectField(_l("Position"), choices=[("chair", _l("Chair")),
                                                 ("vice_chair", _l("Vice-chair"))])
    starts_on = DateField(_l("Starts on"), validators=[DataRequired()])
    ends_on = DateField(_l("Ends on"), validators=[Optional()])
    submit = SubmitField(_l("Appoint"))
