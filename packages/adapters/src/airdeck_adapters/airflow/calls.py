"""One call to Airflow: where it goes, and sending it so that it is observed and carries the
id of the request it is made for."""

from __future__ import annotations

import asyncio
import time
from typing import Any, NamedTuple

import httpx

from airdeck_adapters import request_id
from airdeck_adapters.airflow.observer import AirflowCall, AirflowObserver
from airdeck_domain.url_paths import segment


class Endpoint(NamedTuple):
    """``path`` is what is requested; ``template`` names it in metrics, with its values left as
    ``{names}``, so the number of names stays that of Airflow's routes, not of its DAGs."""

    path: str
    template: str

    @classmethod
    def of(cls, template: str, **values: str | int) -> Endpoint:
        """``template`` with each ``{name}`` filled by its value, encoded as one path segment."""
        return cls(template.format(**{k: segment(str(v)) for k, v in values.items()}), template)


async def send_request_id(request: httpx.Request) -> None:
    """An httpx request hook: ``X-Request-ID`` of the request being served, if any."""
    current = request_id.current()
    if current is not None:
        request.headers[request_id.HEADER] = current


async def observed_request(
    http: httpx.AsyncClient,
    observer: AirflowObserver,
    deployment: str,
    method: str,
    endpoint: Endpoint,
    **kwargs: Any,
) -> httpx.Response:
    """``http.request`` to ``endpoint``, reported to ``observer`` however it ends."""
    status = "error"
    started = time.perf_counter()
    try:
        response = await http.request(method, endpoint.path, **kwargs)
    except httpx.TimeoutException:
        status = "timeout"
        raise
    except asyncio.CancelledError:
        status = "cancelled"
        raise
    else:
        status = str(response.status_code)
        return response
    finally:
        observer.call_finished(
            AirflowCall(
                deployment=deployment,
                method=method,
                endpoint=endpoint.template,
                status=status,
                seconds=time.perf_counter() - started,
            )
        )
