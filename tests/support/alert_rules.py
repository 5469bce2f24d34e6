"""Alert rules written straight into a product DB, for tests and benchmarks that run
``airdeck worker`` as a process of its own."""

from __future__ import annotations

import msgspec
from sqlalchemy.ext.asyncio import async_sessionmaker

from airdeck_adapters.db.alert_services import AlertRuleService
from airdeck_adapters.db.engine import create_engine
from airdeck_adapters.db.models import AlertRuleRow
from airdeck_domain.alerts.rules import RuleSpec


async def add_rule(database_url: str, spec: RuleSpec) -> str:
    """Store ``spec`` as a rule in the product DB at ``database_url``; its id."""
    engine = create_engine(database_url)
    try:
        async with async_sessionmaker(engine)() as session:
            row = await AlertRuleService(session=session).create(
                AlertRuleRow(
                    name=spec.name,
                    definition=msgspec.to_builtins(spec),
                    deployment=spec.selector.deployment,
                    dag_id=spec.selector.dag_id,
                    created_by="test",
                ),
                auto_commit=True,
            )
            return str(row.id)
    finally:
        await engine.dispose()
