"""``/livez`` and ``/readyz``: for orchestrators and load balancers, so public and never
authenticated (a stale token must not fail a probe), at the app root."""

from __future__ import annotations

import msgspec
from litestar import Controller, Response, get
from litestar.datastructures import CacheControlHeader, State
from litestar.openapi.datastructures import ResponseSpec

from airdeck_api.guards import PUBLIC, require_permission
from airdeck_api.services.readiness import Readiness, readiness

PROBE_OPT = {"permission": PUBLIC, "exclude_from_auth": True}
NO_STORE = CacheControlHeader(no_store=True)


class Liveness(msgspec.Struct):
    alive: bool


class ProbeController(Controller):
    """Liveness and readiness."""

    path = "/"
    tags = ["Operations"]
    guards = [require_permission]

    @get("/livez", operation_id="getLiveness", opt=PROBE_OPT, cache_control=NO_STORE)
    async def livez(self) -> Liveness:
        """The process is up and serving (no I/O): restart it if this fails."""
        return Liveness(alive=True)

    @get(
        "/readyz",
        operation_id="getReadiness",
        opt=PROBE_OPT,
        cache_control=NO_STORE,
        responses={
            503: ResponseSpec(
                data_container=Readiness, description="Not ready: the failing checks say why"
            )
        },
    )
    async def readyz(self, state: State) -> Response[Readiness]:
        """The product DB and every Airflow deployment answer (within 2 s each, checked at
        once): 200 when all do, else 503 naming what is not ready."""
        result = await readiness(state.sessions, state.deployments, state.cache)
        return Response(result, status_code=200 if result.ready else 503)
