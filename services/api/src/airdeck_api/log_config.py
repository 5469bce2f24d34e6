"""How the API's logs look: one JSON object a line (``AIRDECK_LOG_FORMAT=json``, the default)
or aligned, coloured lines for a person at a terminal (``console``).

Airdeck's own structlog loggers (the access log) and every standard-library logger (Airdeck's
modules, uvicorn, SQLAlchemy, Alembic) end in one handler on the root logger, so all lines
share one format, and each line written while a request is served carries its ``request_id``
(structlog's context variables, merged when the line is formatted, in the writing thread).
"""

from __future__ import annotations

import logging
import sys
from typing import TextIO

import structlog
from litestar.logging.config import StructlogEventFilter, StructLoggingConfig
from structlog.typing import Processor

from airdeck_api.settings import LogFormat

_HANDLER_MARK = "_airdeck_handler"

# What every line gets, whichever logger wrote it.
_SHARED: list[Processor] = [
    structlog.contextvars.merge_contextvars,
    structlog.stdlib.add_log_level,
    structlog.stdlib.add_logger_name,
    structlog.processors.TimeStamper(fmt="iso", utc=True),
]
QUIET_LOGGERS = {"httpx": logging.WARNING}
"""httpx logs every Airflow URL it calls at INFO (queries included); the access log and the
Airflow call metrics say what is useful of them."""


class _StderrHandler(logging.StreamHandler):  # type: ignore[type-arg]
    """Writes to ``sys.stderr`` as it is when a line is written, as the standard library's
    last-resort handler does: a test runner or tool that swaps it gets the lines."""

    def __init__(self) -> None:
        logging.Handler.__init__(self)

    @property
    def stream(self) -> TextIO:
        return sys.stderr


def _renderer(log_format: LogFormat) -> list[Processor]:
    if log_format == "console":
        return [structlog.dev.ConsoleRenderer(colors=sys.stderr.isatty())]
    return [structlog.processors.format_exc_info, structlog.processors.JSONRenderer()]


def structlog_config() -> StructLoggingConfig:
    """Litestar's structlog configuration for the app: structlog loggers hand their events to
    the standard library, where ``install_handler``'s handler renders them in either format (so
    a logger structlog caches on first use never holds a format)."""
    return StructLoggingConfig(
        processors=[
            *_SHARED,
            structlog.processors.StackInfoRenderer(),
            structlog.stdlib.ProcessorFormatter.wrap_for_formatter,
        ],
        logger_factory=structlog.stdlib.LoggerFactory(),
        wrapper_class=structlog.stdlib.BoundLogger,
        # The problem handlers log unexpected errors themselves, once.
        log_exceptions="never",
    )


def install_handler(log_format: LogFormat) -> None:
    """Render every record on stderr in ``log_format``, through one handler on the root logger
    (installed once; a second call replaces it, so apps built one after another in a process
    do not log each line twice). Handlers others installed are left alone."""
    handler = _StderrHandler()
    handler.setFormatter(
        structlog.stdlib.ProcessorFormatter(
            foreign_pre_chain=[*_SHARED, structlog.stdlib.ExtraAdder()],
            processors=[
                structlog.stdlib.ProcessorFormatter.remove_processors_meta,
                # uvicorn adds a copy of its message with colour codes.
                StructlogEventFilter(["color_message"]),
                *_renderer(log_format),
            ],
        )
    )
    setattr(handler, _HANDLER_MARK, True)
    root = logging.getLogger()
    for previous in [h for h in root.handlers if getattr(h, _HANDLER_MARK, False)]:
        root.removeHandler(previous)
    root.addHandler(handler)
    root.setLevel(logging.INFO)
    for name, level in QUIET_LOGGERS.items():
        logging.getLogger(name).setLevel(level)


def configure_logging(log_format: LogFormat) -> None:
    """Both halves at once, for a process that logs before it builds the app (the CLI)."""
    structlog_config().configure()
    install_handler(log_format)
