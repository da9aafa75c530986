"""The form that registers a webhook."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectMultipleField, StringField, SubmitField, widgets


class WebhookForm(FlaskForm):
    """A URL and the events it is sent (checked by the service, which knows the rules)."""

    url = StringField(_l("URL"), render_kw={"placeholder": "https://example.com/portal-events",
                                             "inputmode": "url"})
    events = SelectMultipleField(_l("Events"), choices=[], validate_choice=False,
                                 option_widget=widgets.CheckboxInput(),
                                 widget=widgets.ListWidget(prefix_label=False))
    submit = SubmitField(_l("Register webhook"))

    def __init__(self, *args, **kwargs):
        from .services import EVENT_TYPES

        super().__init__(*args, **kwargs)
        self.events.choices = [(name, f"{name} — {label}") for name, label in EVENT_TYPES.items()]
