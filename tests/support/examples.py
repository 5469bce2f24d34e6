"""The example DAGs the project loads into Airflow (examples/dags), by id."""

EXAMPLE_DAGS = frozenset(
    {
        "etl_pipeline",
        "mapped_fanout",
        "grouped_pipeline",
        "slow_logger",
        "parametrized_report",
        "flaky_retry",
        "service_pipeline",
        "leaky_logger",
        "typed_params",
        "approval_flow",
    }
)
