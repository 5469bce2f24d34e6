"""The Airflow client reports each call by endpoint template and each token refresh to its
observer, and sends the id of the request being served (mocked Airflow: these are the
adapter's own contracts, and timeouts a real server will not produce on demand)."""

from __future__ import annotations

import time
from collections.abc import Iterator

import httpx
import pytest
import respx

from airdeck_adapters import request_id
from airdeck_adapters.airflow import AirflowCall, AirflowClient, DeploymentConfig, Deployments
from airdeck_adapters.airflow.calls import Endpoint
from airdeck_domain.errors import NotFoundError, UnauthorizedError, UnavailableError
from tests.unit.adapters.test_airflow_client_failures import jwt_with_exp

BASE = "http://airflow.test:8080"
RUN_ID = "manual__2026-01-01T00:00:00+00:00"


class Recorder:
    """An observer that keeps what it is told."""

    def __init__(self) -> None:
        self.calls: list[AirflowCall] = []
        self.refreshes: list[tuple[str, bool]] = []

    def call_finished(self, call: AirflowCall) -> None:
        self.calls.append(call)

    def token_refreshed(self, deployment: str, succeeded: bool) -> None:
        self.refreshes.append((deployment, succeeded))

    def seen(self) -> list[tuple[str, str, str]]:
        return [(c.method, c.endpoint, c.status) for c in self.calls]


@pytest.fixture
def recorder() -> Recorder:
    return Recorder()


@pytest.fixture
def client(recorder: Recorder) -> AirflowClient:
    config = DeploymentConfig(name="eu", url=BASE, username="svc", password="pw", timeout=0.5)
    return AirflowClient(config, observer=recorder)


@pytest.fixture
def airflow_mock() -> Iterator[respx.MockRouter]:
    with respx.mock(base_url=BASE, assert_all_called=False) as mock:
        mock.post("/auth/token", name="token").mock(
            side_effect=lambda _: httpx.Response(
                201, json={"access_token": jwt_with_exp(time.time() + 3600)}
            )
        )
        yield mock


def test_an_endpoint_names_its_template_and_encodes_its_values() -> None:
    endpoint = Endpoint.of("/api/v2/dags/{dag_id}/dagRuns/{run_id}", dag_id="a/b", run_id=RUN_ID)
    assert endpoint.template == "/api/v2/dags/{dag_id}/dagRuns/{run_id}"
    assert endpoint.path == "/api/v2/dags/a%2Fb/dagRuns/manual__2026-01-01T00%3A00%3A00%2B00%3A00"


async def test_calls_are_reported_by_template_never_by_their_values(
    client: AirflowClient, recorder: Recorder, airflow_mock: respx.MockRouter
) -> None:
    airflow_mock.get(f"/api/v2/dags/secret_dag/dagRuns/{RUN_ID}").mock(
        return_value=httpx.Response(404, json={"detail": "no such run"})
    )
    airflow_mock.patch(
        url__regex=r"/api/v2/dags/secret_dag/dagRuns/.+/taskInstances/mapper/7$"
    ).mock(return_value=httpx.Response(200, json={"task_instances": [], "total_entries": 0}))
    with pytest.raises(NotFoundError):
        await client.get_run("secret_dag", RUN_ID)
    await client.set_task_state("secret_dag", RUN_ID, "mapper", state="success", map_index=7)
    assert recorder.seen() == [
        ("POST", "/auth/token", "201"),
        ("GET", "/api/v2/dags/{dag_id}/dagRuns/{run_id}", "404"),
        (
            "PATCH",
            "/api/v2/dags/{dag_id}/dagRuns/{run_id}/taskInstances/{task_id}/{map_index}",
            "200",
        ),
    ]
    assert all(c.deployment == "eu" and c.seconds >= 0 for c in recorder.calls)
    assert not any("secret_dag" in c.endpoint or "mapper" in c.endpoint for c in recorder.calls)
    assert recorder.refreshes == [("eu", True)]


async def test_unanswered_calls_are_reported_as_timeout_or_error(
    client: AirflowClient, recorder: Recorder, airflow_mock: respx.MockRouter
) -> None:
    airflow_mock.get("/api/v2/dags").mock(side_effect=httpx.ReadTimeout("slow"))
    airflow_mock.get("/api/v2/monitor/health").mock(side_effect=httpx.ConnectError("refused"))
    with pytest.raises(UnavailableError):
        await client.list_dags()
    with pytest.raises(UnavailableError):
        await client.health()
    assert recorder.seen()[1:] == [
        ("GET", "/api/v2/dags", "timeout"),
        ("GET", "/api/v2/monitor/health", "error"),
    ]


async def test_a_refused_sign_in_is_a_failed_refresh(
    client: AirflowClient, recorder: Recorder, airflow_mock: respx.MockRouter
) -> None:
    airflow_mock.routes["token"].mock(return_value=httpx.Response(401, json={"detail": "no"}))
    with pytest.raises(UnauthorizedError):
        await client.list_dags()
    assert recorder.refreshes == [("eu", False)]
    assert recorder.seen() == [("POST", "/auth/token", "401")]


async def test_a_revoked_token_is_refreshed_and_both_attempts_are_reported(
    client: AirflowClient, recorder: Recorder, airflow_mock: respx.MockRouter
) -> None:
    answers = iter(
        [httpx.Response(401, json={}), httpx.Response(200, json={"dags": [], "total_entries": 0})]
    )
    airflow_mock.get("/api/v2/dags").mock(side_effect=lambda _: next(answers))
    await client.list_dags()
    assert recorder.refreshes == [("eu", True), ("eu", True)]
    assert [s for _, e, s in recorder.seen() if e == "/api/v2/dags"] == ["401", "200"]


async def test_the_served_request_id_goes_with_every_call(
    client: AirflowClient, airflow_mock: respx.MockRouter
) -> None:
    airflow_mock.get("/api/v2/dags").mock(
        return_value=httpx.Response(200, json={"dags": [], "total_entries": 0})
    )
    with request_id.serving("req-42"):
        await client.list_dags()
    await client.list_dags()
    sent = [call.request.headers.get("x-request-id") for call in airflow_mock.calls]
    # The sign-in and the first list were made for req-42; the second list for nobody.
    assert sent == ["req-42", "req-42", None]


async def test_a_client_without_an_observer_works_as_before(airflow_mock: respx.MockRouter) -> None:
    airflow_mock.get("/api/v2/dags").mock(
        return_value=httpx.Response(200, json={"dags": [], "total_entries": 0})
    )
    config = DeploymentConfig(name="eu", url=BASE, username="svc", password="pw")
    deployments = Deployments([config])
    dags, total = await deployments.get().list_dags()
    assert (dags, total) == ([], 0)
    await deployments.aclose()


async def test_every_client_of_the_registry_reports_to_its_observer(
    recorder: Recorder, airflow_mock: respx.MockRouter
) -> None:
    airflow_mock.get("/api/v2/dags").mock(
        return_value=httpx.Response(200, json={"dags": [], "total_entries": 0})
    )
    configs = [
        DeploymentConfig(name=name, url=BASE, username="svc", password="pw") for name in "ab"
    ]
    deployments = Deployments(configs, observer=recorder)
    for name in "ab":
        await deployments.get(name).list_dags()
    assert [(c.deployment, c.endpoint) for c in recorder.calls if c.method == "GET"] == [
        ("a", "/api/v2/dags"),
        ("b", "/api/v2/dags"),
    ]
    await deployments.aclose()
