"""The unified diff between two versions of a DAG's code."""

from __future__ import annotations

from airdeck_domain.versions import DagSource, diff_sources

OLD = 'from airflow.sdk import dag\n\n@dag(schedule="@daily")\ndef etl():\n    extract()\n'
NEW = 'from airflow.sdk import dag\n\n@dag(schedule="@hourly")\ndef etl():\n    extract()\n    load()\n'


def source(version: int, content: str) -> DagSource:
    return DagSource(dag_id="etl", version_number=version, content=content)


def test_a_change_is_a_unified_diff_naming_both_versions() -> None:
    diff = diff_sources(source(1, OLD), source(2, NEW))
    assert (diff.dag_id, diff.from_version, diff.to_version) == ("etl", 1, 2)
    lines = diff.diff.splitlines()
    assert lines[:2] == ["--- etl v1", "+++ etl v2"]
    assert lines[2].startswith("@@ ")
    assert '-@dag(schedule="@daily")' in lines and '+@dag(schedule="@hourly")' in lines
    assert "+    load()" in lines
    assert (diff.added, diff.removed) == (2, 1)


def test_the_same_code_has_an_empty_diff() -> None:
    diff = diff_sources(source(3, OLD), source(3, OLD))
    assert (diff.diff, diff.added, diff.removed) == ("", 0, 0)


def test_a_file_without_a_final_newline_keeps_every_line_apart() -> None:
    diff = diff_sources(source(1, "a\nb"), source(2, "a\nc"))
    assert diff.diff.endswith("\n")
    assert diff.diff.splitlines()[-2:] == ["-b", "+c"]
    assert (diff.added, diff.removed) == (1, 1)


def test_context_lines_are_kept_around_a_change_only() -> None:
    old = "".join(f"line {n}\n" for n in range(1, 21))
    new = old.replace("line 10\n", "line ten\n")
    lines = diff_sources(source(1, old), source(2, new)).diff.splitlines()
    assert lines[2] == "@@ -7,7 +7,7 @@"
    assert " line 7" in lines and " line 13" in lines and " line 6" not in lines
