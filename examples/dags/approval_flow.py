"""A payout that waits for people: an approval step, then a form step (human-in-the-loop tasks,
Airflow 3.1+). Approved, the form's answers go to the payout; rejected, the rejection branch
runs instead. Airdeck lists both steps in its required-actions inbox while they wait."""

from __future__ import annotations

import logging
from typing import Any

import pendulum

try:
    from airflow.providers.standard.operators.hitl import ApprovalOperator, HITLEntryOperator
    from airflow.sdk import Param, TriggerRule, dag, get_current_context, task

    HUMAN_IN_THE_LOOP = True
except ImportError:  # Airflow 2 has no human-in-the-loop tasks: the steps below say so
    from airflow.decorators import dag, task
    from airflow.exceptions import AirflowFailException
    from airflow.models.param import Param
    from airflow.operators.python import get_current_context
    from airflow.utils.trigger_rule import TriggerRule

    HUMAN_IN_THE_LOOP = False

log = logging.getLogger(__name__)

FORM_PARAMS = {
    "amount": Param(
        100,
        type="integer",
        minimum=1,
        maximum=10000,
        title="Amount",
        description="How much to pay out, in euros.",
    ),
    "reference": Param(
        "PO-0001",
        type="string",
        pattern="^PO-[0-9]{4}$",
        title="Purchase order",
        description="The purchase order the payout settles (PO-0000).",
    ),
    "priority": Param(
        "normal",
        type="string",
        enum=["low", "normal", "urgent"],
        title="Priority",
    ),
}


def _no_human_in_the_loop(task_id: str) -> Any:
    """A stand-in for a human step where Airflow has none (Airflow 2): it fails, saying why."""

    @task(task_id=task_id)
    def unsupported() -> None:
        raise AirflowFailException(
            "Human-in-the-loop tasks need Airflow 3.1+; this deployment runs Airflow 2"
        )

    return unsupported()


@dag(
    dag_id="approval_flow",
    dag_display_name="Payout approval",
    schedule=None,
    start_date=pendulum.datetime(2025, 1, 1, tz="UTC"),
    catchup=False,
    tags=["approvals", "example"],
    default_args={"owner": "finance"},
    doc_md=__doc__,
)
def approval_flow() -> None:
    @task
    def prepare() -> dict[str, Any]:
        context = get_current_context()
        summary = {"run_id": context["run_id"], "items": 3}
        log.info("payout prepared: %s", summary)
        return summary

    if HUMAN_IN_THE_LOOP:
        approve = ApprovalOperator(
            task_id="approve_payout",
            subject="Approve the payout of run {{ run_id }}?",
            body="Three invoices are ready to be paid. **Approve** to go on to the payout "
            "details, **Reject** to stop here.",
        )
        details = HITLEntryOperator(
            task_id="payout_details",
            subject="Payout details for run {{ run_id }}",
            body="Confirm the amount and the purchase order before the money moves.",
            params=FORM_PARAMS,
        )
    else:
        approve = _no_human_in_the_loop("approve_payout")
        details = _no_human_in_the_loop("payout_details")

    @task
    def pay_out() -> dict[str, Any]:
        context = get_current_context()
        answer = context["ti"].xcom_pull(task_ids="payout_details") or {}
        form = answer.get("params_input") or {}
        log.info("paying out %s for %s", form.get("amount"), form.get("reference"))
        return dict(form)

    @task(trigger_rule=TriggerRule.ALL_SKIPPED)
    def record_rejection() -> None:
        log.info("the payout was rejected; nothing was paid")

    paid = pay_out()
    prepare() >> approve >> details >> paid
    details >> record_rejection()


approval_flow()
