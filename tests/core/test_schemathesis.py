"""The OpenAPI document tells the truth: schemathesis drives every operation of the API,
as a member and as platform staff, against the demo alliance, and every answer must be a
non-5xx one the document describes (status, content type, headers, body schema), with
requests the document calls invalid refused.

Bounded and reproducible: few examples per operation, no deadline, derandomized.
PORTAL_CONTRACT_PATHS (comma-separated path prefixes) narrows a local run to those paths.
"""

import os

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.config import SchemathesisConfig
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    negative_data_rejection,
    positive_data_acceptance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)
from sqlalchemy import select

from portal.accounts.models import User
from portal.accounts.tokens import issue_token
from portal.demo import seed
from portal.extensions import db

ANSWER_CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance,
                 response_headers_conformance, response_schema_conformance]
# Data the document calls invalid must be refused with a 4xx.
NEGATIVE_CHECKS = [*ANSWER_CHECKS, negative_data_rejection]
# Data the document calls valid must not be refused as malformed (400/422); 404 for an id
# that names no row you may see and 409 for a state that forbids the step remain answers.
# This holds for query and path parameters, which JSON Schema describes completely. A
# request body also carries what no schema can say: that `working_group` is one the
# caller's organisation belongs to, `purchaser_id` a staff member, `ends_at` after
# `starts_at`, a rule's conditions hold a term, an upload is CSV or an image. The portal
# answers those with 422 and field messages (API.md), so for operations with a body the
# check would report the contract itself; their bodies are still held to the document by
# the negative cases and the answer checks.
PARAMETER_CHECKS = [*ANSWER_CHECKS, positive_data_acceptance]

EXAMPLES = 6
# No shrinking: a failure is reported with the request that met it (and a curl line), and a
# passing run, the normal case, never pays for it.
SETTINGS = settings(max_examples=EXAMPLES, deadline=None, derandomize=True, database=None,
                    phases=(Phase.explicit, Phase.generate),
                    suppress_health_check=list(HealthCheck), report_multiple_bugs=False)
# - The portal refuses text holding NUL (U+0000) with 422, as its OpenAPI document says; no
#   JSON Schema keyword can say so, so generated text leaves it out.
# - Query parameters the API does not know are ignored, as HTTP APIs do (links, caches and
#   forms add their own); OpenAPI 3.0 has no way to declare that, so none are made up.
# - Every call carries a real token of the role under test; what a missing or bad token
#   gets (401) is tested in test_api_core.
CONFIG = SchemathesisConfig.from_dict({"generation": {
    "allow-x00": False, "allow-extra-parameters": False, "with-security-parameters": False}})
# Ids the demo alliance certainly has: generated ids alone would almost never name a row.
DEMO_IDS = (1, 2, 3)
DEMO_SLUGS = ("luxury-goods", "pharmaceutical")

ROLES = {"member": "member@maison.example", "staff": "staff@platform.example"}


@pytest.fixture
def demo(app):
    """The demo alliance, seeded into the test's database, with rate limits off so the
    run measures behaviour, not the limiter."""
    seed()
    app.config["RATELIMIT_ENABLED"] = False
    from portal.extensions import limiter

    limiter.enabled = False
    yield app
    limiter.enabled = True


def _token(email: str) -> str:
    user = db.session.scalar(select(User).where(User.email == email))
    _record, secret = issue_token(user, "schemathesis")
    db.session.commit()
    return secret


def _strategy(operation, mode: GenerationMode):
    """Cases for one operation: generated, and with path parameters set to demo rows."""
    strategies = [operation.as_strategy(generation_mode=mode)]
    params = [p for p in operation.path_parameters]
    if params and mode is GenerationMode.POSITIVE:
        for index in range(len(DEMO_IDS)):
            values = {}
            for param in params:
                kind = (param.definition.get("schema") or {}).get("type")
                values[param.name] = (DEMO_IDS[index] if kind == "integer"
                                      else DEMO_SLUGS[index % len(DEMO_SLUGS)])
            strategies.append(operation.as_strategy(generation_mode=mode,
                                                    path_parameters=values))
    return st.one_of(strategies)


def _exercise(operation, mode: GenerationMode, headers: dict) -> None:
    if mode is GenerationMode.NEGATIVE:
        checks = NEGATIVE_CHECKS
    else:
        checks = ANSWER_CHECKS if operation.body else PARAMETER_CHECKS

    @SETTINGS
    @given(case=_strategy(operation, mode))
    def run(case):
        # buffered: the whole body is read and the response closed (file downloads too).
        case.call_and_validate(headers=headers, checks=checks, buffered=True)

    run()


@pytest.mark.contract
@pytest.mark.parametrize("role", sorted(ROLES))
def test_every_operation_keeps_its_documented_contract(demo, role):
    """Every operation, positive and negative cases, answers as the document says."""
    headers = {"Authorization": f"Bearer {_token(ROLES[role])}"}
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", demo, config=CONFIG)
    failures = []
    count = 0
    only = tuple(p for p in os.environ.get("PORTAL_CONTRACT_PATHS", "").split(",") if p)
    assert not (only and os.environ.get("PORTAL_TEST_STRICT") == "1"), "CI runs every path"
    for result in schema.get_all_operations():
        operation = result.ok()
        count += 1
        if only and not operation.path.startswith(only):
            continue
        # An operation with nothing to send (no parameters, no body) has no invalid request.
        sends = operation.body or any(True for _p in operation.iter_parameters())
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE)[:2 if sends else 1]:
            try:
                _exercise(operation, mode, headers)
            except Unsatisfiable:
                # Negative cases need something that can be invalid; a path of plain text
                # (a group's slug) alone cannot be: there is no invalid request to send.
                if mode is not GenerationMode.NEGATIVE:
                    raise
            except (Exception, BaseExceptionGroup) as error:  # judge every operation, report all
                failures.append(f"{operation.method.upper()} {operation.path} [{mode.value}]: "
                                f"{type(error).__name__}: {str(error)[:1500]}")
    assert count > 60
    assert not failures, f"{len(failures)} failures:\n\n" + "\n\n".join(failures)
