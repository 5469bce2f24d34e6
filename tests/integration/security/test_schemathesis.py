"""schemathesis over the API's own OpenAPI document, as admin, against the real Airflow:
no server errors and no response that breaks the documented schema, at the default limits."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from itertools import cycle
from pathlib import Path

import httpx
import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.generation.case import Case
from schemathesis.specs.openapi.checks import content_type_conformance, response_schema_conformance
from schemathesis.specs.openapi.schemas import OpenApiSchema

from tests.support.people import mint
from tests.support.ports import free_port

pytestmark = pytest.mark.integration
EXAMPLES = 25
"""Per operation: enough to find the classic mistakes, few enough to keep the suite quick."""
CHECKS = [not_a_server_error, response_schema_conformance, content_type_conformance]
FUZZERS = 80
"""Admins the fuzzer's requests are spread over. The API runs at its default limits (10 writes
a minute per person): a fuzzer sends hundreds of requests a minute, as many people would, so it
acts as many admins and takes turns, and no request may meet a 429. Their tokens are minted with
the API's signing key (tests.support.people): signing in through ``/api/auth/token`` is tested
elsewhere, and as many sign-ins from one address would meet the sign-in limit instead."""


@pytest.fixture(scope="session")
def running_api(security_env: dict[str, str]) -> Iterator[tuple[str, list[dict[str, str]]]]:
    """A real API process (local mode) and the Authorization headers of ``FUZZERS`` admins."""
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
        for _ in range(600):
            try:
                httpx.get(f"{base}/schema/openapi.json", timeout=1).raise_for_status()
                break
            except httpx.HTTPError:
                time.sleep(0.1)
        data_dir = Path(security_env["AIRDECK_DATA_DIR"])
        yield base, [mint(data_dir, f"fuzz{n:02d}").headers for n in range(FUZZERS)]
    finally:
        process.terminate()
        process.wait(10)


def test_api_conforms_to_its_schema(running_api: tuple[str, list[dict[str, str]]]) -> None:
    base, every_header = running_api
    turns = cycle(every_header)
    limited: list[str] = []
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
            response = case.call(base_url=base, headers=next(turns))
            if response.status_code == 429:
                limited.append(f"{case.method} {case.formatted_path}")
            case.validate_response(response, checks=CHECKS)

        try:
            check()
        except Exception as exc:  # collect every operation's failure, then report them all
            failures.append(f"{operation.label}: {exc}")
    assert operations >= 20
    assert failures == [], "\n\n".join(failures)
    assert limited == [], f"rate-limited at the default limits: {limited[:5]}"
