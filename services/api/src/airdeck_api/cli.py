"""``airdeck-api``: run the API (``serve``, the default)."""

from __future__ import annotations

import argparse
import sys
from typing import Any

import uvicorn

from airdeck_adapters.db import migrate
from airdeck_api.app import create_app
from airdeck_api.settings import Settings, SettingsError

APP_FACTORY = "airdeck_api.app:create_app"
"""What each worker process imports and calls to build its app."""


def main(argv: list[str] | None = None) -> int:
    """Entry point; exits 2 with every configuration problem listed when settings are invalid."""
    parser = argparse.ArgumentParser(prog="airdeck-api", description="Airdeck Orchestrator API")
    sub = parser.add_subparsers(dest="command")
    sub.add_parser("serve", help="run the API in the foreground (default)")
    db = sub.add_parser("db", help="product DB migrations")
    db_sub = db.add_subparsers(dest="db_command", required=True)
    db_sub.add_parser("upgrade", help="apply every migration")
    down = db_sub.add_parser("downgrade", help="undo migrations")
    down.add_argument("revision", nargs="?", default="-1", help="target (default: one step)")
    db_sub.add_parser("current", help="show the DB's revision")
    args = parser.parse_args(argv)
    try:
        settings = Settings.from_env()
    except SettingsError as exc:
        print(exc, file=sys.stderr)
        return 2
    if args.command == "db":
        url = settings.storage.database_url
        if args.db_command == "upgrade":
            migrate.upgrade(url)
        elif args.db_command == "downgrade":
            migrate.downgrade(url, args.revision)
        print(f"product DB revision: {migrate.current(url) or 'empty'}")
        return 0
    if args.command in (None, "serve"):
        serve(settings)
    return 0


def serve(settings: Settings) -> None:
    """Run the API; with ``AIRDECK_API_WORKERS`` above 1, as that many processes on one port,
    each building the app from the environment (they share cache and limits through Redis)."""
    options: dict[str, Any] = {
        "host": settings.http.host,
        "port": settings.http.port,
        "log_level": "info",
        "proxy_headers": False,
    }
    if settings.http.workers > 1:
        if not settings.redis.url:
            print(
                "warning: AIRDECK_API_WORKERS > 1 without AIRDECK_REDIS_URL: each process keeps "
                "its own cache and rate-limit counts",
                file=sys.stderr,
            )
        uvicorn.run(APP_FACTORY, factory=True, workers=settings.http.workers, **options)
    else:
        uvicorn.run(create_app(settings), **options)


if __name__ == "__main__":
    sys.exit(main())
