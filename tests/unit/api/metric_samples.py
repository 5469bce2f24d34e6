"""Reading this process's Prometheus metrics in tests: a series' value, and how far it moved."""

from __future__ import annotations

from prometheus_client import REGISTRY


def counted(name: str, **labels: str) -> float:
    """The current value of one series (0 before it exists)."""
    return REGISTRY.get_sample_value(name, labels) or 0.0


class Delta:
    """How far one series moved since this was made."""

    def __init__(self, name: str, **labels: str) -> None:
        self.name, self.labels = name, labels
        self.start = counted(name, **labels)

    @property
    def moved(self) -> float:
        return counted(self.name, **self.labels) - self.start


def cache_reads(kind: str, result: str) -> Delta:
    """Reads of the shared cache of ``kind`` with ``result`` (``hit`` or ``miss``)."""
    return Delta("airdeck_cache_reads_total", kind=kind, result=result)
