"""DAG versions: what Airflow 3 keeps of each version of a DAG (its bundle and code), and the
difference between two of them."""

from __future__ import annotations

import difflib

import msgspec

from airdeck_domain.models import DagVersion


class DagVersions(msgspec.Struct, kw_only=True):
    """A DAG's versions, oldest first; ``total`` counts them all."""

    dag_id: str
    versions: list[DagVersion]
    total: int


class DagSource(msgspec.Struct, kw_only=True):
    """The code of one version of a DAG (its whole file, as Airflow stored it)."""

    dag_id: str
    version_number: int
    content: str


class VersionDiff(msgspec.Struct, kw_only=True):
    """A unified diff of the code of two versions of a DAG (``diff`` is empty when the code is
    the same), with the number of lines each side added or removed."""

    dag_id: str
    from_version: int
    to_version: int
    diff: str
    added: int
    removed: int


def diff_sources(old: DagSource, new: DagSource, *, context: int = 3) -> VersionDiff:
    """The unified diff from ``old`` to ``new`` (headers ``<dag_id> v<N>``, ``context`` lines
    around each change). Every line of the result ends with a newline, the last one too."""
    lines = list(
        difflib.unified_diff(
            old.content.splitlines(keepends=True),
            new.content.splitlines(keepends=True),
            fromfile=f"{old.dag_id} v{old.version_number}",
            tofile=f"{new.dag_id} v{new.version_number}",
            n=context,
        )
    )
    # A file without a final newline would glue its last line to the next hunk's header.
    lines = [line if line.endswith("\n") else line + "\n" for line in lines]
    body = lines[2:]
    return VersionDiff(
        dag_id=new.dag_id,
        from_version=old.version_number,
        to_version=new.version_number,
        diff="".join(lines),
        added=sum(1 for line in body if line.startswith("+")),
        removed=sum(1 for line in body if line.startswith("-")),
    )
