"""Helpers shared by every HTML form."""

from collections.abc import Callable
from functools import lru_cache
from typing import Any

from flask import flash, render_template
from flask_babel import lazy_gettext as _l
from markupsafe import Markup
from wtforms import StringField, ValidationError
from wtforms.widgets import Select

from . import parsing
from .errors import Conflict, InvalidInput


class YuanField(StringField):
    """An amount as people type it in yuan ("1,500.50"), read exactly into fen."""

    def fen(self, *, allow_zero: bool = True) -> int | None:
        """The amount in fen, None when blank, or InvalidInput naming this field."""
        return parsing.yuan(self.data, self.name, allow_zero=allow_zero)

    def show_fen(self, amount: int | None) -> None:
        """Show a stored amount in fen as yuan."""
        self.data = "" if amount is None else f"{parsing.decimal_yuan(amount):.2f}"


class Between:
    """A WTForms validator for whole numbers from `low` to `high`.

    WTForms' NumberRange compares through float, so a twenty-digit number raises instead
    of failing validation; this one compares integers, like `parsing.whole_number`.
    """

    def __init__(self, low: int, high: int):
        self.low, self.high = low, high

    def __call__(self, form, field) -> None:  # noqa: ARG002  (the WTForms signature)
        value = field.data
        if value is None:
            return
        if isinstance(value, bool) or not isinstance(value, int) or not self.low <= value <= self.high:
            raise ValidationError(_l("A whole number from %(low)d to %(high)d.", low=self.low,
                                     high=self.high))


class KeptOptionsSelect(Select):
    """A single select whose many options (time zones, companies) are rendered once and kept.

    Rendering some 500 options through WTForms costs a few milliseconds a page; the same
    choices in the same language give the same HTML, so only the selected option is
    rendered anew. Choices other than a list of (value, label) pairs, groups and multiple
    selects are rendered as WTForms renders them.
    """

    def __call__(self, field, **kwargs):
        choices = field.choices
        if self.multiple or not isinstance(choices, list) or any(
            not isinstance(choice, tuple) or len(choice) != 2 for choice in choices
        ):
            return super().__call__(field, **kwargs)
        # Labels are worded now (lazy ones in the reader's language), so they key the cache.
        key = tuple((value, str(label)) for value, label in choices)
        try:
            options, places = _kept_options(key, field.coerce)
        except TypeError:  # a value that cannot key the cache
            return super().__call__(field, **kwargs)
        chosen = places.get(_hashable(field.data), ())
        if chosen:
            options = list(options)
            for place in chosen:
                value, label = key[place]
                options[place] = self.render_option(value, label, True)
        empty = str(super().__call__(_NoChoices(field), **kwargs))
        return Markup(empty.replace("</select>", "".join(options) + "</select>", 1))


class _NoChoices:
    """A field as the select widget sees it, with no choices: the widget renders its tag."""

    def __init__(self, field):
        self._field = field

    def __getattr__(self, name):
        return getattr(self._field, name)

    def has_groups(self) -> bool:
        return False

    def iter_choices(self):
        return iter(())


def _hashable(value):
    """`value`, or None when it cannot key a dictionary (then no option is selected)."""
    try:
        hash(value)
    except TypeError:
        return None
    return value


@lru_cache(maxsize=64)
def _kept_options(choices: tuple[tuple[Any, str], ...], coerce) -> tuple[tuple[str, ...], dict]:
    """The options of `choices` rendered unselected, and where each coerced value stands."""
    options = tuple(Select.render_option(value, label, False) for value, label in choices)
    places: dict[Any, list[int]] = {}
    for place, (value, _label) in enumerate(choices):
        try:
            coerced = coerce(value)
        except (TypeError, ValueError):
            continue
        places.setdefault(_hashable(coerced), []).append(place)
    places.pop(None, None)
    return options, places


def show_errors(form, error: InvalidInput) -> None:
    """Put a service's field errors on the matching form fields (others on the form)."""
    form.form_errors = list(getattr(form, "form_errors", []))
    for name, message in error.fields.items():
        field = getattr(form, name, None)
        if field is not None and hasattr(field, "errors"):
            field.errors = [*field.errors, message]
        else:
            form.form_errors.append(message)


def form_step(form, call: Callable[[], Any], *, reshow: Callable[[int], Any],
              done: Callable[[], Any], message: str | Callable[[], str] | None = None):
    """The one way a page form runs a service step.

    Field errors from the service go onto the form and the page is shown again (422, the
    input kept); a conflict says why the step cannot be taken now (409); on success the
    message is flashed and `done()` answers (usually a redirect). A callable message is
    worded after the step, so it can say what the step did.
    """
    try:
        call()
    except InvalidInput as error:
        show_errors(form, error)
        return reshow(422)
    except Conflict as error:
        flash(error.message, "danger")
        return reshow(409)
    if callable(message):
        message = message()
    if message:
        flash(message, "success")
    return done()


def button_step(call: Callable[[], Any], *, back: Callable[[], Any], message: str):
    """A one-click step with no fields to re-show: a refusal is flashed (a field error or
    why not now), success flashes `message`, and the reader goes `back()` either way."""
    try:
        call()
    except InvalidInput as error:
        flash(next(iter(error.fields.values()), error.message), "danger")
    except Conflict as error:
        flash(error.message, "danger")
    else:
        flash(message, "success")
    return back()


def rerender(template: str, form, **context):
    """Show the form again with its errors: 422 so clients and tests can tell."""
    return render_template(template, form=form, **context), 422
