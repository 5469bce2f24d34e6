"""Airdeck's domain library: pure models and rules for running Airflow as a headless service.

Nothing here performs I/O or imports a web, HTTP or database framework, so any tool
(a CLI, a notebook, another service) can reuse it.
"""
