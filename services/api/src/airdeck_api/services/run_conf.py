"""Checking a run's conf before it is used (to trigger a run or to save it): the shape limits
first, then the DAG's params, so a conf refused for its size costs Airflow nothing."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from airdeck_api.services.ports import AirflowPort
from airdeck_domain.conf import check_conf_limits, validate_conf
from airdeck_domain.errors import InvalidInputError


async def conf_errors(airflow: AirflowPort, dag_id: str, conf: Any) -> dict[str, str]:
    """Per-field problems of ``conf`` (empty when it may be used): its shape, and only when
    that is fine, the DAG's params as Airflow reports them now."""
    return check_conf_limits(conf) or validate_conf(
        (await airflow.get_dag(dag_id)).params_schema, conf
    )


def conf_refused(message: str, errors: Mapping[str, str]) -> InvalidInputError:
    """The 400 for a refused conf, each problem named as a request-body field (``conf.days``,
    or ``conf`` for the whole of it)."""
    return InvalidInputError(
        message, errors={f"conf.{k}" if k != "conf" else k: v for k, v in errors.items()}
    )
