"""What ends a client command and with which exit code: the API's refusals (3) with their
reason, and an API or Airflow that cannot answer now (4) with the wait it asked for. These are
answers a healthy test stack cannot be made to give, so respx plays the API."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
import respx
from click.testing import CliRunner

from airdeck_api.cli import main
from airdeck_api.cli.api_client import RETRIES, patiently
from airdeck_api.cli.exit_codes import ExitCode, Unavailable
from airdeck_api.cli.health import health_exit_code
from airdeck_domain.models import ComponentHealth, Health

API = "http://airdeck.test"
PROBLEM = {"content-type": "application/problem+json"}


def problem(status: int, title: str, detail: str, **extra: Any) -> dict[str, Any]:
    return {"type": "about:blank", "title": title, "status": status, "detail": detail, **extra}


def run(*arguments: str) -> Any:
    return CliRunner().invoke(main, [*arguments, "--api-url", API, "--token", "t0ken"])


@pytest.mark.parametrize(
    ("status", "title"),
    [(401, "Unauthorized"), (403, "Forbidden"), (404, "Not Found"), (409, "Conflict")],
)
def test_a_refusal_exits_3_with_the_problems_reason(status: int, title: str) -> None:
    with respx.mock(base_url=API) as api:
        route = api.get("/api/orchestrator/dags").respond(
            status, json=problem(status, title, f"reason {status}"), headers=PROBLEM
        )
        result = run("dags", "list")
    assert route.calls.last.request.headers["Authorization"] == "Bearer t0ken"
    assert result.exit_code == ExitCode.REFUSED
    assert f"Error: {status} {title}: reason {status}" in result.stderr
    assert result.stdout == ""
    assert ("--token or AIRDECK_TOKEN" in result.stderr) == (status == 401)


def test_invalid_input_names_each_bad_field() -> None:
    body = problem(
        400,
        "Invalid input",
        "The run's conf does not match the DAG's params; nothing was triggered.",
        errors={"conf.days": "99 is greater than the maximum of 31", "conf.region": "bad"},
    )
    with respx.mock(base_url=API) as api:
        route = api.post("/api/orchestrator/dags/parametrized_report/runs").respond(
            400, json=body, headers=PROBLEM
        )
        result = run("runs", "trigger", "parametrized_report", "--conf", '{"days": 99}')
    assert route.calls.last.request.content == b'{"conf":{"days":99},"note":null,"config_id":null}'
    assert result.exit_code == ExitCode.REFUSED
    assert "nothing was triggered" in result.stderr
    assert "  conf.days: 99 is greater than the maximum of 31\n" in result.stderr
    assert "  conf.region: bad\n" in result.stderr


def test_validation_422_is_a_refusal() -> None:
    with respx.mock(base_url=API) as api:
        api.get("/api/orchestrator/dags/d/runs").respond(
            422, json=problem(422, "Unprocessable Content", "no"), headers=PROBLEM
        )
        result = run("runs", "list", "d")
    assert result.exit_code == ExitCode.REFUSED


def test_a_rate_limit_exits_4_and_says_when_to_try_again() -> None:
    with respx.mock(base_url=API) as api:
        api.get("/api/orchestrator/health").respond(
            429,
            json=problem(429, "Too Many Requests", "Rate limit exceeded"),
            headers={**PROBLEM, "Retry-After": "17"},
        )
        result = run("health")
    assert result.exit_code == ExitCode.UNAVAILABLE
    assert "429 Too Many Requests: Rate limit exceeded" in result.stderr
    assert "retry after 17 s" in result.stderr


def test_an_unavailable_airflow_exits_4() -> None:
    with respx.mock(base_url=API) as api:
        api.get("/api/orchestrator/dags/d/runs").respond(
            503,
            json=problem(503, "Service Unavailable", "Airflow deployment 'default' is down"),
            headers={**PROBLEM, "Retry-After": "5"},
        )
        result = run("runs", "list", "d")
    assert result.exit_code == ExitCode.UNAVAILABLE
    assert "Airflow deployment 'default' is down" in result.stderr


def test_a_gateway_page_that_is_no_problem_document_exits_4_with_its_text() -> None:
    with respx.mock(base_url=API) as api:
        api.get("/api/orchestrator/health").respond(502, text="<html>Bad gateway</html>")
        result = run("health")
    assert result.exit_code == ExitCode.UNAVAILABLE
    assert "502 Bad Gateway: <html>Bad gateway</html>" in result.stderr


def test_an_unreachable_api_exits_4_naming_the_address() -> None:
    with respx.mock(base_url=API) as api:
        api.get("/api/orchestrator/dags").mock(side_effect=httpx.ConnectError("refused"))
        result = run("dags", "list")
    assert result.exit_code == ExitCode.UNAVAILABLE
    assert f"cannot reach the Airdeck API at {API}" in result.stderr
    assert "Traceback" not in result.output


def test_a_timeout_exits_4() -> None:
    with respx.mock(base_url=API) as api:
        api.get("/api/orchestrator/dags").mock(side_effect=httpx.ReadTimeout("slow"))
        result = run("dags", "list")
    assert result.exit_code == ExitCode.UNAVAILABLE
    assert "did not answer in time" in result.stderr


def test_something_that_is_not_the_api_exits_4() -> None:
    with respx.mock(base_url=API) as api:
        api.get("/api/orchestrator/dags").respond(200, html="<html>a web page</html>")
        result = run("dags", "list")
    assert result.exit_code == ExitCode.UNAVAILABLE
    assert "did not answer as the Airdeck API does" in result.stderr


def test_a_watch_waits_out_what_the_api_asks_then_goes_on() -> None:
    answers: list[Unavailable | str] = [Unavailable("busy", 3.0), Unavailable("busy", 90), "ok"]
    slept: list[float] = []

    def call() -> str:
        answer = answers.pop(0)
        if isinstance(answer, Unavailable):
            raise answer
        return answer

    assert patiently(call, slept.append) == "ok"
    assert slept == [3.0, 60.0]  # a long Retry-After is capped


def test_a_watch_gives_up_after_several_refusals_in_a_row() -> None:
    slept: list[float] = []

    def call() -> str:
        raise Unavailable("busy", 1.0)

    with pytest.raises(Unavailable):
        patiently(call, slept.append)
    assert len(slept) == RETRIES - 1


def test_a_watch_does_not_retry_what_names_no_wait() -> None:
    slept: list[float] = []

    def call() -> str:
        raise Unavailable("cannot reach the API")

    with pytest.raises(Unavailable):
        patiently(call, slept.append)
    assert slept == []


def health(status: Any, reachable: bool = True) -> Health:
    part = ComponentHealth(status="healthy")
    return Health(
        deployment="default",
        reachable=reachable,
        status=status,
        scheduler=part,
        db=part,
        dag_processor=part,
        triggerer=part,
    )


@pytest.mark.parametrize(
    ("found", "code"),
    [
        (health("healthy"), ExitCode.OK),
        (health("degraded"), ExitCode.OK),
        (health("unhealthy"), ExitCode.FAILED),
        (health("unknown"), ExitCode.FAILED),
        (health("unhealthy", reachable=False), ExitCode.UNAVAILABLE),
    ],
)
def test_health_exit_codes(found: Health, code: ExitCode) -> None:
    assert health_exit_code(found) == code
