"""The Airflow adapter: typed async clients for one or several Airflow deployments."""

from airdeck_adapters.airflow.client import AirflowClient
from airdeck_adapters.airflow.config import ApiVersion, DeploymentConfig
from airdeck_adapters.airflow.observer import NO_OBSERVER, AirflowCall, AirflowObserver
from airdeck_adapters.airflow.registry import Deployments

__all__ = [
    "NO_OBSERVER",
    "AirflowCall",
    "AirflowClient",
    "AirflowObserver",
    "ApiVersion",
    "DeploymentConfig",
    "Deployments",
]
