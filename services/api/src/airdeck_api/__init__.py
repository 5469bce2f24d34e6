"""Airdeck's Orchestrator API: Airflow behind authentication, RBAC, rate limits and audit."""
