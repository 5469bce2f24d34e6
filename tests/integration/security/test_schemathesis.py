"""schemathesis over the API's own OpenAPI document, as admin, against the real Airflow:
no server errors and no response that breaks the documented schema."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator

import httpx
import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.generation.case import Case
from schemathesis.specs.openapi.checks import content_type_conformance, response_schema_conformance
from schemathesis.specs.openapi.schemas import OpenApiSchema

from tests.integration.security.conftest import LOCAL_USERS
from tests.support.ports import free_port

pytestmark = pytest.mark.integration
EXAMPLES = 25
"""Per operation: enough to find the classic mistakes, few enough to keep the suite quick."""
CHECKS = [not_a_server_error, response_schema_conformance, content_type_conformance]


@pytest.fixture(scope="session")
def running_api(security_env: dict[str, str]) -> Iterator[tuple[str, dict[str, str]]]:
    """A real API process (local mode) and an admin's Authorization header."""
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "airdeck_api.cli", "serve"],
        env={
            **os.environ,
            **security_env,
            "AIRDECK_AUTH_MODE": "local",
            "AIRDECK_API_PORT": str(port),
        },
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(150):
            try:
                httpx.get(f"{base}/schema/openapi.json", timeout=1).raise_for_status()
                break
            except httpx.HTTPError:
                time.sleep(0.1)
        token = httpx.post(
            f"{base}/api/auth/token", json={"username": "ada", "password": LOCAL_USERS["ada"][0]}
        )
        token.raise_for_status()
        yield base, {"Authorization": f"Bearer {token.json()['access_token']}"}
    finally:
        process.terminate()
        process.wait(10)


def test_api_conforms_to_its_schema(running_api: tuple[str, dict[str, str]]) -> None:
    base, headers = running_api
    schema: OpenApiSchema = schemathesis.openapi.from_url(f"{base}/schema/openapi.json")
    failures: list[str] = []
    operations = 0
    for result in schema.get_all_operations():
        operation = result.ok()
        operations += 1

        @given(case=operation.as_strategy())
        @settings(
            max_examples=EXAMPLES,
            deadline=None,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        def check(case: Case) -> None:
            case.call_and_validate(base_url=base, headers=headers, checks=CHECKS)

        try:
            check()
        except Exception as exc:  # collect every operation's failure, then report them all
            failures.append(f"{operation.label}: {exc}")
    assert operations >= 20
    assert failures == [], "\n\n".join(failures)
