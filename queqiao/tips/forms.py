"""Forms of the tip pages; they hand plain values to the services."""


from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    FileField,
    MultipleFileField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
    TextAreaField,
)

from portal import parsing
from portal.errors import InvalidInput
from queqiao.listings.gazetteer import gazetteer
from queqiao.listings.regions import region_choices

from .indicators import split_terms
from .lifecycle import SHARING_LABELS

# Service field names -> form field names.
FIELD_OF = {"indicators.keywords": "keywords", "indicators.exclude": "exclude",
            "indicators.regions": "regions", "indicators.max_price": "max_price",
            "indicators": "keywords"}


def sharing_choices() -> list[tuple[str, str]]:
    """The three sharing levels with their labels."""
    return [(k, str(v)) for k, v in SHARING_LABELS.items()]


class TipForm(FlaskForm):
    """Write or edit a tip."""

    title = StringField(_l("Title"))
    brand = StringField(_l("Brand"))
    working_group = SelectField(_l("Working group"))
    sharing = SelectField(_l("Who may see it"))
    description = TextAreaField(_l("How to recognise the fakes (Markdown)"),
                                render_kw={"rows": 6})
    keywords = TextAreaField(_l("Title keywords and phrases"), render_kw={"rows": 3})
    exclude = TextAreaField(_l("Words that mark a genuine listing"), render_kw={"rows": 2})
    max_price = StringField(_l("Price ceiling (CNY): a genuine item never sells below this"))
    region_codes = SelectMultipleField(_l("Seller regions"), choices=[], render_kw={"size": 6})
    regions = TextAreaField(_l("Other seller regions or shipping origins"), render_kw={"rows": 2})
    evidence = MultipleFileField(_l("Evidence (images or PDF)"))
    submit = SubmitField(_l("Submit tip"))

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # The same list as the rule form's, so a tip names regions the rules can use.
        self.region_codes.choices = dict(region_choices())

    def data_for_service(self) -> dict:
        """The API-shaped body the services take."""
        return {
            "title": self.title.data, "brand": self.brand.data,
            "description": self.description.data, "working_group": self.working_group.data,
            "sharing": self.sharing.data,
            "indicators": {"keywords": split_terms(self.keywords.data),
                           "exclude": split_terms(self.exclude.data),
                           "regions": [*(self.region_codes.data or []),
                                       *split_terms(self.regions.data)],
                           "max_price": _money(self.max_price.data)},
        }

    def fill_from(self, tip) -> None:
        """Show a tip's values in the form."""
        ind = tip.indicators
        self.title.data, self.brand.data = tip.title, tip.brand
        self.description.data = tip.description
        self.working_group.data, self.sharing.data = tip.working_group.slug, tip.sharing
        self.keywords.data = "\n".join(ind["keywords"])
        self.exclude.data = "\n".join(ind["exclude"])
        known = gazetteer().regions
        self.region_codes.data = [r for r in ind["regions"] if r in known]
        self.regions.data = "\n".join(r for r in ind["regions"] if r not in known)
        price = ind["max_price"]
        self.max_price.data = f"{parsing.decimal_yuan(price['amount']):.2f}" if price else ""


def _money(text: str | None) -> dict | None:
    """The price ceiling typed in yuan, as the service's money; blank -> None."""
    fen = parsing.yuan(text, "max_price", allow_zero=False)
    return None if fen is None else {"amount": fen, "currency": "CNY"}


def form_errors(error: InvalidInput) -> InvalidInput:
    """The service's errors under the form's field names."""
    return InvalidInput({FIELD_OF.get(k, k): v for k, v in error.fields.items()})


class ReviewForm(FlaskForm):
    """Staff decide on a tip."""

    decision = RadioField(_l("Decision"), choices=[
        ("accept", _l("Accept")), ("needs_info", _l("Ask for more information")),
        ("reject", _l("Reject"))])
    reason = TextAreaField(_l("Reason (required unless accepting)"), render_kw={"rows": 2})
    submit = SubmitField(_l("Record decision"))


class CommentForm(FlaskForm):
    """A message in the conversation."""

    body = TextAreaField(_l("Comment (Markdown)"), render_kw={"rows": 3})
    submit = SubmitField(_l("Post comment"))


class NoteForm(FlaskForm):
    """A note with a resubmission or a withdrawal."""

    note = TextAreaField(_l("Note"), render_kw={"rows": 2})
    submit = SubmitField(_l("Send"))


class SharingForm(FlaskForm):
    """Change who may see a tip."""

    sharing = SelectField(_l("Who may see it"))
    submit = SubmitField(_l("Change sharing"))


class EvidenceForm(FlaskForm):
    """Add an evidence file."""

    file = FileField(_l("Evidence (image or PDF)"))
    submit = SubmitField(_l("Upload"))


class ImportForm(FlaskForm):
    """Many tips from a CSV or JSON file, checked first if asked."""

    file = FileField(_l("CSV or JSON file"))
    dry_run = BooleanField(_l("Check only: write nothing"), default=True)
    submit = SubmitField(_l("Import"))
