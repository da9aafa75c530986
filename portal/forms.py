"""Helpers shared by every HTML form."""

from flask import render_template

from .errors import InvalidInput


def show_errors(form, error: InvalidInput) -> None:
    """Put a service's field errors on the matching form fields (others on the form)."""
    form.form_errors = list(getattr(form, "form_errors", []))
    for name, message in error.fields.items():
        field = getattr(form, name, None)
        if field is not None and hasattr(field, "errors"):
            field.errors = [*field.errors, message]
        else:
            form.form_errors.append(message)


def rerender(template: str, form, **context):
    """Show the form again with its errors: 422 so clients and tests can tell."""
    return render_template(template, form=form, **context), 422
