"""The referral dossier for law enforcement: one self-contained, printable HTML file."""

from flask import render_template

from .evidence import verify_purchase
from .models import TestPurchase
from .services import criminal_threshold, seller_known_value, shares


def dossier(purchase: TestPurchase) -> str:
    """The purchase, evidence with hashes, custody log, verdict and seller facts."""
    return render_template("testbuys/referral.html", p=purchase, report=verify_purchase(purchase),
                           threshold=criminal_threshold(),
                           known_value=seller_known_value(purchase), shares=shares(purchase),
                           orgs={x.organisation_id: x.organisation for x in purchase.participants})
