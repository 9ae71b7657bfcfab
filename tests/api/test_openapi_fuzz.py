"""Schemathesis: requests generated from the served OpenAPI document, sent as every kind of caller,
never get a 500. (Its pytest plugin does not run under pytest 9, so the operations are walked here.)"""
from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error


@pytest.fixture(scope="module")
def operations(shared_hall) -> dict:
    schema = schemathesis.openapi.from_url(shared_hall.server.api + "/openapi.json")
    return {op.label: op for op in (result.ok() for result in schema.get_all_operations())}


@pytest.fixture(scope="module")
def callers(shared_hall) -> dict[str, str]:
    """A token of each kind; the clerk is signed in at window 4 so window actions get past the sign-in check."""
    tokens = {name: shared_hall.server.tokens[name] for name in ("kiosk-1", "pad-4", "lobby", "agent-1")}
    tokens["supervisor"] = shared_hall.supervisor
    tokens["clerk"] = shared_hall.clerk("clerk3", 4)
    return tokens


def test_generated_requests_never_get_a_server_error(shared_hall, operations, callers):
    assert len(operations) >= 25, sorted(operations)
    for label, operation in sorted(operations.items()):
        @settings(max_examples=15, deadline=None, suppress_health_check=list(HealthCheck), database=None)
        @given(case=operation.as_strategy())
        def check(case):
            for token in callers.values():
                case.call_and_validate(base_url=shared_hall.server.url,
                                       headers={"Authorization": f"Bearer {token}"}, checks=[not_a_server_error])

        try:
            check()
        except Exception as e:
            raise AssertionError(f"{label}: {e}") from e
