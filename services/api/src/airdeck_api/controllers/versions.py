"""``/dags/{dag_id}/versions``: a DAG's version history (Airflow 3), the code of a version and
the diff between two. An Airflow 2 deployment answers 400: it keeps no versions."""

from __future__ import annotations

from typing import Annotated

from litestar import Controller, get
from litestar.params import FromPath, QueryParameter

from airdeck_api.injection import Injected
from airdeck_api.problems import PROBLEM_RESPONSES
from airdeck_api.services.versions import VersionService
from airdeck_domain.versions import DagSource, DagVersions, VersionDiff

VersionNumber = Annotated[int, QueryParameter(ge=1, description="A DAG version number")]


class VersionController(Controller):
    """Versions of a DAG: which bundle and bundle version produced each, and its code."""

    path = "/dags/{dag_id:str}/versions"
    tags = ["DAG versions"]

    @get(
        "/",
        operation_id="listDagVersions",
        opt={"permission": "dags:read"},
        responses=PROBLEM_RESPONSES,
    )
    async def history(
        self, dag_id: FromPath[str], versions: Injected[VersionService]
    ) -> DagVersions:
        """Every version of the DAG, oldest first, each with its bundle and bundle version."""
        return await versions.history(dag_id)

    @get(
        "/{version_number:int}/source",
        operation_id="getDagSource",
        opt={"permission": "dags:read"},
        responses=PROBLEM_RESPONSES,
    )
    async def source(
        self,
        dag_id: FromPath[str],
        version_number: FromPath[int],
        versions: Injected[VersionService],
    ) -> DagSource:
        """The code of one version of the DAG (404 for a version it never had)."""
        return await versions.source(dag_id, version_number)

    @get(
        "/diff",
        operation_id="diffDagVersions",
        opt={"permission": "dags:read"},
        responses=PROBLEM_RESPONSES,
    )
    async def diff(
        self,
        dag_id: FromPath[str],
        versions: Injected[VersionService],
        from_version: Annotated[int, QueryParameter(name="from", ge=1, description="Old version")],
        to_version: Annotated[int, QueryParameter(name="to", ge=1, description="New version")],
    ) -> VersionDiff:
        """A unified diff of the DAG's code from version ``from`` to version ``to``."""
        return await versions.diff(dag_id, from_version, to_version)
