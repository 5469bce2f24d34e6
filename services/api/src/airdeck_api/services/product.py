"""The product's own data about DAGs, merged with Airflow's view of them."""

from __future__ import annotations

from collections.abc import Sequence

import msgspec
from sqlalchemy.ext.asyncio import AsyncSession

from airdeck_adapters.db.alert_services import AlertRuleService
from airdeck_adapters.db.models import PipelineMetadata
from airdeck_adapters.db.services import FavoriteService, PipelineMetadataService
from airdeck_domain.alerts.rules import Selector
from airdeck_domain.models import Dag, DagDetail
from airdeck_domain.rbac import DagScope


def scope_of(dag: Dag) -> DagScope:
    """What RBAC grants are matched against for a DAG (Airflow and custom tags together, and
    the deployment it lives in)."""
    return DagScope(
        dag_id=dag.dag_id,
        tags=frozenset(dag.tags) | frozenset(dag.custom_tags),
        owner_team=dag.owner_team,
        environment=dag.environment,
        deployment=dag.deployment,
    )


def merge(dag: Dag, meta: PipelineMetadata | None, favorite: bool) -> Dag:
    """A DAG with the product's metadata and the caller's favorite flag; the product's
    description, when set, stands for Airflow's (a detail has it as ``product_description``
    too)."""
    if meta is None:
        return msgspec.structs.replace(dag, is_favorite=favorite)
    # A detail also keeps the product's own text apart, for the editor that changes it.
    own = {"product_description": meta.description} if isinstance(dag, DagDetail) else {}
    return msgspec.structs.replace(
        dag,
        environment=meta.environment,
        owner_team=meta.owner_team,
        custom_tags=sorted(meta.custom_tags or []),
        is_favorite=favorite,
        description=dag.description if meta.description is None else meta.description,
        **own,
    )


def with_alert_rules(dag: Dag, selectors: Sequence[Selector]) -> Dag:
    """A DAG (product data merged) with how many of the rules' ``selectors`` watch it."""
    scope = scope_of(dag)
    return msgspec.structs.replace(dag, alert_rules=sum(s.matches(scope) for s in selectors))


class ProductData:
    """Product metadata and favorites for one deployment, in one request's DB session."""

    def __init__(self, session: AsyncSession, deployment: str) -> None:
        self.deployment = deployment
        self.metadata = PipelineMetadataService(session=session)
        self.favorites = FavoriteService(session=session)
        self.alert_rules = AlertRuleService(session=session)

    async def annotate(self, dags: Sequence[Dag], user_id: str) -> list[Dag]:
        """The DAGs with environment, owner team, custom tags, ``is_favorite`` and
        ``alert_rules`` filled (from the product DB: no Airflow call)."""
        metas = await self.metadata.for_dags(self.deployment, [d.dag_id for d in dags])
        favorites = await self.favorites.dag_ids(self.deployment, user_id)
        selectors = await self.alert_rules.selectors() if dags else []
        return [
            with_alert_rules(merge(d, metas.get(d.dag_id), d.dag_id in favorites), selectors)
            for d in dags
        ]
