"""The referral dossier for law enforcement: one self-contained, printable HTML file."""

import base64
import hashlib

from flask import Response, render_template

from . import checkpoint
from .checkpoint import head_of
from .evidence import anchor_problems, verify_purchase
from .models import TestPurchase
from .services import criminal_threshold, effective_value, seller_known_value, shares

# Kept in the file itself so the download needs nothing else; allowed by its hash, so the
# page keeps a strict policy without 'unsafe-inline'.
STYLE = ("body{font-family:sans-serif;max-width:60rem;margin:2rem auto;font-size:14px}"
         "table{border-collapse:collapse;width:100%}"
         "td,th{border:1px solid #999;padding:4px;text-align:left;vertical-align:top}"
         "code{font-size:11px;word-break:break-all}"
         "pre{white-space:pre-wrap;word-break:break-all}ul{margin:0;padding-left:1rem}")
STYLE_HASH = base64.b64encode(hashlib.sha256(STYLE.encode()).digest()).decode()
POLICY = (f"default-src 'none'; style-src 'sha256-{STYLE_HASH}'; base-uri 'none'; "
          "form-action 'none'; frame-ancestors 'none'")


def anchoring(purchase: TestPurchase) -> dict:
    """The log's head now, and where the newest daily checkpoint anchored it (if it did)."""
    report = verify_purchase(purchase)
    latest = checkpoint.latest()
    anchored = latest.heads.get(purchase.id) if latest else None
    return {"report": report, "head": head_of(purchase, report.ok),
            "anchor_at": latest.at if anchored else None, "anchored": anchored,
            "anchor_holds": anchored is not None and not anchor_problems(
                purchase.id, list(purchase.custody), latest)}


def dossier(purchase: TestPurchase) -> str:
    """The purchase, evidence with hashes, custody log and its anchor, verdict, seller facts."""
    return render_template("testbuys/referral.html", p=purchase, **anchoring(purchase),
                           threshold=criminal_threshold(), style=STYLE,
                           value=effective_value(purchase),
                           known_value=seller_known_value(purchase), shares=shares(purchase),
                           orgs={x.organisation_id: x.organisation for x in purchase.participants})


def dossier_response(purchase: TestPurchase, download: bool) -> Response:
    """The dossier as a page, or as a file to save."""
    response = Response(dossier(purchase), mimetype="text/html")
    response.headers["Content-Security-Policy"] = POLICY
    if download:
        response.headers["Content-Disposition"] = (
            f'attachment; filename="referral-test-purchase-{purchase.id}.html"')
    return response
