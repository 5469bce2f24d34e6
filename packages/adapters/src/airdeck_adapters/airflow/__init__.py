"""The Airflow adapter: typed async clients for one or several Airflow deployments."""

from airdeck_adapters.airflow.client import AirflowClient
from airdeck_adapters.airflow.config import ApiVersion, DeploymentConfig
from airdeck_adapters.airflow.registry import Deployments

__all__ = ["AirflowClient", "ApiVersion", "DeploymentConfig", "Deployments"]
