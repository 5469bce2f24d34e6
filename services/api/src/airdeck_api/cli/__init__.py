"""The ``airdeck`` command line (also ``airdeck-api``): serve the API, migrate its DB, mint
local tokens, and list DAGs and runs, trigger, read logs and check health through the API."""

from airdeck_api.cli.root import main

__all__ = ["main"]
