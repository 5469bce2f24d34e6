"""Every page is one generic ``Page[T]`` whose items keep the JSON name clients read."""

from __future__ import annotations

import msgspec
import pytest

from airdeck_api.schemas.audit import AuditPage
from airdeck_domain.models import DagPage, Page, RunPage, TaskInstancePage


@pytest.mark.parametrize(
    ("kind", "name"),
    [(DagPage, "dags"), (RunPage, "runs"), (TaskInstancePage, "instances"), (AuditPage, "entries")],
)
def test_a_page_keeps_its_items_name_and_field_order(kind: type[Page[object]], name: str) -> None:
    assert issubclass(kind, Page)
    encoded = msgspec.json.encode(kind(items=[], total=3, page=2, limit=1))
    assert list(msgspec.json.decode(encoded)) == [name, "total", "page", "limit"]
    assert msgspec.json.decode(encoded, type=kind).total == 3


def test_a_page_checks_its_item_type() -> None:
    with pytest.raises(msgspec.ValidationError, match=r"\$\.runs\[0\]"):
        msgspec.json.decode(b'{"runs":[{"x":1}],"total":1,"page":1,"limit":1}', type=RunPage)
