"""Envelopes of the DAG routes (the payloads themselves are domain models)."""

from __future__ import annotations

import msgspec

from airdeck_domain.models import DagDetail


class DagEnvelope(msgspec.Struct):
    """``GET /dags/{dag_id}``."""

    dag: DagDetail
