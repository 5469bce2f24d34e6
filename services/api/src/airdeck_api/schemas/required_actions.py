"""Bodies and results of the required-action routes."""

from __future__ import annotations

from typing import Any

import msgspec

from airdeck_api.schemas.strict import Strict


class RespondBody(Strict):
    """``POST /required-actions/{dag_id}/{run_id}/{task_id}``: the options chosen (``Approve``
    or ``Reject`` for an approval; the request's defaults when left out, e.g. a form's ``OK``)
    and the form's answer (``params_input``, checked against the request's params; fields left
    out take their defaults)."""

    chosen_options: list[str] | None = None
    params_input: dict[str, Any] | None = None


class RequiredActionCount(msgspec.Struct, kw_only=True):
    """How many requests wait for the caller (the header's badge)."""

    total: int
