"""Forms of the rule pages: a rule, a corpus listing, a dry run."""


from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import (
    BooleanField,
    HiddenField,
    IntegerField,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, Optional, ValidationError

from portal import parsing
from portal.forms import YuanField
from queqiao.listings.regions import region_choices

LEVEL_CHOICES = [("low", _l("Low")), ("medium", _l("Medium")), ("high", _l("High"))]


def lines(text: str | None) -> list[str]:
    """The non-blank lines of a text area."""
    return [line.strip() for line in (text or "").splitlines() if line.strip()]




def _tip_number(form, field) -> None:  # noqa: ARG001  (the WTForms validator signature)
    """A tip's number: a row id (NumberRange would overflow on a number past a float)."""
    if parsing.identifier(field.data) is None:
        raise ValidationError(_l("Give the number of a tip."))


class RuleForm(FlaskForm):
    """A rule's name, conditions and notes; terms one per line."""

    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=200)])
    tip_id = IntegerField(_l("From tip number"), validators=[Optional(), _tip_number])
    brand = StringField(_l("Brand (its known counterfeits prove the rule)"),
                        validators=[Length(max=120)])
    all_terms = TextAreaField(_l("The title contains all of (one per line)"))
    any_terms = TextAreaField(_l("…and at least one of (one per line, optional)"))
    none_terms = TextAreaField(_l("…and none of (one per line, optional)"))
    literal_all = BooleanField(_l("Match these terms literally"))
    literal_any = BooleanField(_l("Match these terms literally"))
    literal_none = BooleanField(_l("Match these terms literally"))
    max_price = YuanField(_l("Price at most (yuan, optional)"))
    regions = SelectMultipleField(_l("Seller region is one of (optional; a province takes in "
                                     "its cities)"), choices=[], render_kw={"size": 8})
    level = SelectField(_l("Level"), choices=LEVEL_CHOICES, default="medium")
    known_false_positives = TextAreaField(_l("Known false positives"),
                                          validators=[Length(max=4000)])
    notes = TextAreaField(_l("Notes"), validators=[Length(max=4000)])
    version = HiddenField()
    submit = SubmitField(_l("Save rule"))

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.regions.choices = dict(region_choices())

    def values(self) -> dict:
        """The form as the rules service takes it."""
        price = self.max_price.fen()
        return {
            "name": self.name.data, "level": self.level.data, "brand": self.brand.data or "",
            "tip_id": self.tip_id.data if self.tip_id is not None else None,
            "known_false_positives": self.known_false_positives.data or "",
            "notes": self.notes.data or "",
            "conditions": {
                "all": lines(self.all_terms.data), "any": lines(self.any_terms.data),
                "none": lines(self.none_terms.data), "regions": list(self.regions.data or []),
                "max_price": None if price is None else {"amount": price, "currency": "CNY"},
                "literal": [name for name in ("all", "any", "none")
                            if getattr(self, f"literal_{name}").data],
            },
        }

    def fill(self, conditions: dict) -> None:
        """Show stored conditions in the form."""
        self.all_terms.data = "\n".join(conditions.get("all") or [])
        self.any_terms.data = "\n".join(conditions.get("any") or [])
        self.none_terms.data = "\n".join(conditions.get("none") or [])
        self.regions.data = list(conditions.get("regions") or [])
        for name in ("all", "any", "none"):
            getattr(self, f"literal_{name}").data = name in (conditions.get("literal") or [])
        price = conditions.get("max_price")
        self.max_price.show_fen(price["amount"] if price else None)


class StatusForm(FlaskForm):
    """Move a rule; activating over genuine hits needs the override ticked."""

    status = HiddenField(validators=[DataRequired()])
    override = BooleanField(_l("Activate anyway, although the proof fails"))
    reason = TextAreaField(_l("Why it may go live anyway (kept in the audit log)"),
                           validators=[Length(max=2000)])
    submit = SubmitField(_l("Change status"))


class CorpusForm(FlaskForm):
    """One known listing for the corpus."""

    kind = SelectField(_l("Kind"), choices=[("genuine", _l("Genuine (must not hit)")),
                                            ("counterfeit", _l("Counterfeit (should hit)"))])
    title = StringField(_l("Listing title"), validators=[DataRequired(), Length(max=500)])
    price = YuanField(_l("Price (yuan, optional)"))
    region = StringField(_l("Region (optional)"), validators=[Optional(), Length(max=80)])
    brand = StringField(_l("Brand (whose listing it is)"), validators=[Length(max=120)])
    submit = SubmitField(_l("Add to corpus"))


class CorpusUploadForm(FlaskForm):
    """Many known listings from a CSV or JSON Lines file."""

    kind = SelectField(_l("Kind"), choices=[("genuine", _l("Genuine (must not hit)")),
                                            ("counterfeit", _l("Counterfeit (should hit)"))])
    brand = StringField(_l("Brand (whose listings they are)"), validators=[Length(max=120)])
    file = FileField(_l("CSV or JSON Lines file (columns id, title, price in fen, region)"))
    submit = SubmitField(_l("Upload to corpus"))


class DryRunForm(FlaskForm):
    """Listings to try the live rules on, pasted or uploaded; nothing is stored."""

    listings = TextAreaField(_l("Listing titles, one per line (optionally: title | price in "
                                "yuan | region)"))
    file = FileField(_l("…or a CSV or JSON Lines file"))
    explain_rule = SelectField(_l("Explain each listing's verdict for the rule (optional)"),
                               choices=[], validate_choice=False)
    submit = SubmitField(_l("Dry run"))
