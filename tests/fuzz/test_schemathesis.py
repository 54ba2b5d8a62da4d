"""Schemathesis against the live API (issue #11 item 18): generated requests, valid and invalid, for
every operation of /api/schema/, as PTV's administrator. The bar: no server error, and every
response is one the schema declares (status code, content type and body)."""

import collections
import json
import os

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.core.failures import FailureGroup
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

pytestmark = pytest.mark.slow
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
# Per operation, with valid and again with invalid data: bounded for CI; FUZZ_EXAMPLES=100 digs deeper.
EXAMPLES_PER_MODE = int(os.environ.get("FUZZ_EXAMPLES", "3"))
FUZZ = settings(max_examples=EXAMPLES_PER_MODE, deadline=None, derandomize=True, database=None,
                phases=[Phase.explicit, Phase.generate], suppress_health_check=list(HealthCheck))


def fuzz(operation, mode: GenerationMode, base_url: str, statuses: collections.Counter, failures: list) -> None:
    @FUZZ
    @given(case=operation.as_strategy(generation_mode=mode))
    def run(case):
        response = case.call(base_url=base_url, timeout=30)
        statuses[response.status_code] += 1
        try:
            case.validate_response(response, checks=CHECKS)
        except FailureGroup as group:  # every failure is kept, not only the first
            failures.extend(f"{operation.label} [{mode.value}] {failure.title}: {failure.message[:300]} "
                            f"<- {case.as_curl_command()[:700]}" for failure in group.exceptions)

    try:
        run()
    except Unsatisfiable:  # nothing of the operation can be made invalid (e.g. no parameters, no body)
        assert mode is GenerationMode.NEGATIVE


def test_every_operation_answers_as_the_schema_says(live_api, request):
    schema = schemathesis.openapi.from_url(f"{live_api.base_url}/api/schema/?format=json")
    schema.config.headers = {"Authorization": f"Token {live_api.partner.token}"}
    statuses: dict[str, collections.Counter] = collections.defaultdict(collections.Counter)
    failures: list[str] = []
    for result in schema.get_all_operations():
        operation = result.ok()
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            fuzz(operation, mode, live_api.base_url, statuses[operation.label], failures)

    totals = sum(statuses.values(), collections.Counter())
    summary = {"operations": len(statuses), "cases": sum(totals.values()), "statuses": dict(sorted(totals.items())),
               "failures": len(failures),
               "cases_per_operation": {name: sum(counts.values()) for name, counts in sorted(statuses.items())}}
    (request.config.rootpath / "var").mkdir(exist_ok=True)
    (request.config.rootpath / "var" / "schemathesis-report.json").write_text(
        json.dumps({**summary, "failure_details": failures}, ensure_ascii=False, indent=1))
    print("schemathesis:", json.dumps(summary, ensure_ascii=False))
    assert len(statuses) >= 56, summary
    assert not failures, "\n\n".join(failures[:30])
