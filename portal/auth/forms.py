"""Forms for signing in and setting passwords."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, PasswordField, StringField, SubmitField
from wtforms.validators import DataRequired, Email, EqualTo, Length


class LoginForm(FlaskForm):
    """E-mail and password."""

    email = EmailField(_l("E-mail"), validators=[DataRequired(), Email()])
    password = PasswordField(_l("Password"), validators=[DataRequired()])
    remember = BooleanField(_l("Keep me signed in"))
    submit = SubmitField(_l("Sign in"))


class ResetRequestForm(FlaskForm):
    """Ask for a password reset link."""

    email = EmailField(_l("E-mail"), validators=[DataRequired(), Email()])
    submit = SubmitField(_l("Send me a link"))


class NewPasswordForm(FlaskForm):
    """Choose a password (reset, invitation)."""

    password = PasswordField(_l("New password"), validators=[DataRequired(), Length(min=10)])
    confirm = PasswordField(_l("Repeat the password"),
                            validators=[DataRequired(), EqualTo("password", _l("The passwords differ."))])
    submit = SubmitField(_l("Save password"))


class ChangePasswordForm(NewPasswordForm):
    """Change one's password, knowing the current one."""

    current = PasswordField(_l("Current password"), validators=[DataRequired()])


class CodeForm(FlaskForm):
    """A six-digit code from the authenticator app, or a recovery code."""

    code = StringField(_l("Code"), validators=[DataRequired(), Length(max=40)],
                       render_kw={"autocomplete": "one-time-code", "inputmode": "text",
                                  "autofocus": True})
    submit = SubmitField(_l("Verify"))
