"""GET /api/v1/reports/alliance and /reports/organization, and their OpenAPI paths."""

from flask import jsonify, request
from flask_login import current_user

from portal.api.helpers import api_blueprint
from portal.api.openapi import op, register_dynamic_paths, register_paths
from portal.authz import access

from . import annual, figures, services

bp = api_blueprint("reports_api", __name__)


def _year() -> int:
    return services.check_year(request.args.get("year"))


@bp.get("/reports/alliance")
@access("report.alliance")
def alliance():
    """The alliance-wide figures of a year (small groups suppressed)."""
    return jsonify(figures.alliance(_year()))


@bp.get("/reports/organization")
@access("report.organisation")
def organization():
    """The same figures for the caller's own organisation."""
    return jsonify(figures.organisation(current_user.organisation, _year()))


TAG = "Reports"
MONEY = {"$ref": "#/components/schemas/Money"}
NULLABLE_MONEY = {"allOf": [MONEY], "nullable": True}
COUNT = {"type": "integer", "nullable": True}
NUMBER = {"type": "number", "nullable": True}


def _year_param() -> list[dict]:
    return [{"name": "year", "in": "query", "allowEmptyValue": True,
             "schema": {"type": "integer", "minimum": annual.first_year(),
                        "maximum": annual.latest_year()},
             "description": "The calendar year (UTC); the current year when absent or empty."}]
FIGURES = {
    "type": "object",
    "description": "A figure drawn from at least one but fewer than REPORTS_MIN_ORGANISATIONS "
                   "organisations is null and its key is listed in `suppressed` (alliance only).",
    "required": ["year", "organizations", "countries", "working_groups", "tips", "rules", "hits",
                 "taken_down", "test_purchases", "referrals", "board"],
    "properties": {
        "year": {"type": "integer"},
        "organizations": {"type": "integer"},
        "countries": {"type": "integer"},
        "working_groups": {"type": "integer"},
        "tips": {"type": "object", "properties": {
            "shared": COUNT, "accepted": COUNT, "median_days_to_vetting": NUMBER,
            "by_status": {"type": "object", "nullable": True,
                          "additionalProperties": {"type": "integer"}}}},
        "rules": {"type": "object", "properties": {"active": COUNT}},
        "hits": COUNT,
        "taken_down": COUNT,
        "false_positives": COUNT,
        "proactive_share": {**NUMBER, "description": "takedowns from rule hits among all "
                                                     "takedowns (hits and test purchases)"},
        "test_purchases": {"type": "object", "properties": {
            "count": COUNT, "counterfeit": COUNT, "genuine": COUNT, "inconclusive": COUNT,
            "counterfeit_rate": NUMBER, "spend": NULLABLE_MONEY,
            "share": {**NULLABLE_MONEY, "description": "organization only: its share of the costs"}}},
        "referrals": {"type": "object", "properties": {"count": COUNT, "value": NULLABLE_MONEY}},
        "board": {"type": "object", "properties": {
            "recommendations": {"type": "integer"}, "decided": {"type": "integer"},
            "median_days_to_decision": NUMBER, "median_days_to_answer": NUMBER,
            "answered_within_30_days": {**NUMBER, "description": "share (0–1) of the year's "
                                        "endorsements answered within 30 days"}}},
        "suppressed": {"type": "array", "items": {"type": "string"}},
    },
}

register_paths({}, {"ReportFigures": FIGURES})
register_dynamic_paths(lambda: {
    "/reports/alliance": {"get": op("The alliance's figures for a year", tag=TAG,
                                    params=_year_param(),
                                    response={"$ref": "#/components/schemas/ReportFigures"},
                                    errors=(401, 422))},
    "/reports/organization": {"get": op("The same figures for your own organisation", tag=TAG,
                                        params=_year_param(),
                                        response={"$ref": "#/components/schemas/ReportFigures"},
                                        errors=(401, 422))},
})
