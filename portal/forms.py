"""Helpers shared by every HTML form."""

from collections.abc import Callable
from typing import Any

from flask import flash, render_template
from flask_babel import lazy_gettext as _l
from wtforms import StringField, ValidationError

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
