"""The forms of the test-purchase pages."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import (
    BooleanField,
    DateTimeLocalField,
    HiddenField,
    IntegerField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import InputRequired, Length, Optional

from portal.forms import Between, KeptOptionsSelect, YuanField


class ProposeForm(FlaskForm):
    """Propose a target."""

    platform = StringField(_l("Platform"), validators=[InputRequired(), Length(max=60)],
                           default="taobao")
    seller_id = StringField(_l("Seller"), validators=[InputRequired(), Length(max=120)])
    listing_url = StringField(_l("Listing address"), validators=[Optional(), Length(max=500)])
    working_group = SelectField(_l("Working group"), choices=[], validate_choice=False)
    reason = TextAreaField(_l("Reason"), validators=[Length(max=5000)])
    budget = YuanField(_l("Budget (CNY)"))
    weight = IntegerField(_l("Your weight in the cost split"), default=1,
                          validators=[Optional(), Between(1, 1000)])
    source_kind = HiddenField(default="member")
    source_ref = HiddenField(default="")


class JoinForm(FlaskForm):
    """Join with a weight."""

    weight = IntegerField(_l("Weight"), default=1, validators=[InputRequired(),
                                                              Between(1, 1000)])


class ScheduleForm(FlaskForm):
    """Plan the buy."""

    scheduled_for = DateTimeLocalField(_l("Day and time (UTC)"), format="%Y-%m-%dT%H:%M",
                                       validators=[InputRequired()])
    purchaser_id = SelectField(_l("Purchaser"), choices=[], validate_choice=False)


class OrderForm(FlaskForm):
    """The order was placed."""

    order_number = StringField(_l("Order number"), validators=[InputRequired(), Length(max=120)])
    cost = YuanField(_l("Actual cost (CNY)"), validators=[InputRequired()])
    paid_by = SelectField(_l("Paid by"), choices=[], validate_choice=False)


class ReceiveForm(FlaskForm):
    """The goods arrived."""

    received_at = DateTimeLocalField(_l("Received at (UTC)"), format="%Y-%m-%dT%H:%M",
                                     validators=[Optional()])
    notes = TextAreaField(_l("Notes"), validators=[Length(max=5000)])


class AuthenticateForm(FlaskForm):
    """The brand owner's verdict."""

    # No default: the brand says what it found, never what the form assumed.
    verdict = SelectField(_l("Verdict"), validators=[InputRequired()],
                          render_kw={"required": True},
                          choices=[("", _l("— choose the verdict —")),
                                   ("counterfeit", _l("counterfeit")),
                                                  ("genuine", _l("genuine")),
                                                  ("inconclusive", _l("inconclusive"))])
    method = StringField(_l("Method"), validators=[InputRequired(), Length(max=200)])
    notes = TextAreaField(_l("Reasons"), validators=[Length(max=5000)])


class CloseForm(FlaskForm):
    """Close with a summary."""

    summary = TextAreaField(_l("Closing summary"), validators=[InputRequired(), Length(max=5000)])


class CancelForm(FlaskForm):
    """Cancel with a reason."""

    reason = TextAreaField(_l("Reason for cancelling"),
                           validators=[InputRequired(), Length(max=5000)])


class OutcomeForm(FlaskForm):
    """What followed a counterfeit verdict."""

    taken_down = BooleanField(_l("Listing taken down"))
    seller_penalised = BooleanField(_l("Seller penalised"))
    value_involved = YuanField(_l("Value involved (CNY)"))


class EvidenceForm(FlaskForm):
    """A photo or document."""

    file = FileField(_l("Photo or document"))
    description = StringField(_l("What it shows"), validators=[Length(max=300)])


class SettlementForm(FlaskForm):
    """A settlement payment between two organisations."""

    from_org = SelectField(_l("Payer"), choices=[], validate_choice=False,
                           widget=KeptOptionsSelect())
    to_org = SelectField(_l("Payee"), choices=[], validate_choice=False,
                         widget=KeptOptionsSelect())
    amount = YuanField(_l("Amount (CNY)"), validators=[InputRequired()])
    note = StringField(_l("Note"), validators=[Length(max=300)])
