"""A task instance's hostname (often a pod address) follows the logs' address policy."""

from __future__ import annotations

import pytest

from airdeck_adapters.airflow import translate
from airdeck_adapters.airflow.wire import WireTaskInstance


@pytest.mark.parametrize(
    ("hostname", "shown"),
    [
        ("100.64.3.7", "[internal-ip]"),
        ("10.244.1.17", "[internal-ip]"),
        ("fd00::17", "[internal-ip]"),
        ("worker-0.airflow.svc.cluster.local", "worker-0.airflow.svc.cluster.local"),
        ("192.0.2.44", "192.0.2.44"),
        ("8.8.4.4", "8.8.4.4"),
        (None, None),
    ],
)
def test_hostname_follows_the_address_policy(hostname: str | None, shown: str | None) -> None:
    instance = translate.task_instance(WireTaskInstance(task_id="t", hostname=hostname))
    assert instance.hostname == shown
