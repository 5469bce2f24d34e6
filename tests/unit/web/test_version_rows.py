"""A DAG's versions shaped for the Versions tab and the run page's header."""

from __future__ import annotations

from airdeck_domain.versions import DagSource, diff_sources
from airdeck_web.models import DagVersion, DagVersions
from airdeck_web.version_rows import (
    NOT_VERSIONED,
    diff_rows,
    diff_summary,
    history_rows,
    run_version,
)


def version(number: int, bundle: str | None = "dags-folder", at: str | None = None) -> DagVersion:
    return DagVersion(
        version_number=number,
        version_id=f"id-{number}",
        bundle_name=bundle,
        bundle_version=at,
        created_at=f"2026-12-0{number}T10:00:00Z",
    )


def source(number: int, lines: list[str]) -> DagSource:
    return DagSource(dag_id="d", version_number=number, content="".join(f"{x}\n" for x in lines))


def test_the_history_lists_the_newest_version_first_with_its_bundle_in_words() -> None:
    history = DagVersions(dag_id="d", versions=[version(1), version(2, "repo", "3f2a9c1")], total=2)
    newest, oldest = history_rows(history)
    assert newest == {
        "number": "2",
        "bundle_name": "repo",
        "bundle_version": "3f2a9c1",
        "created": "2026-12-02T10:00:00Z",
        "created_exact": "2026-12-02 10:00:00 UTC",
    }
    assert (oldest["number"], oldest["bundle_version"]) == ("1", NOT_VERSIONED)
    assert history_rows(DagVersions(dag_id="d", versions=[], total=0)) == []


def test_a_diff_is_drawn_line_by_line_with_its_kind_and_line_numbers() -> None:
    old = source(1, ["a", "b", "c", "d"])
    new = source(2, ["a", "B", "c", "d", "e"])
    lines = diff_rows(diff_sources(old, new).diff)
    assert [(x["kind"], x["text"], x["old"], x["new"]) for x in lines] == [
        ("hunk", "@@ -1,4 +1,5 @@", "", ""),
        ("context", " a", "1", "1"),
        ("removed", "-b", "2", ""),
        ("added", "+B", "", "2"),
        ("context", " c", "3", "3"),
        ("context", " d", "4", "4"),
        ("added", "+e", "", "5"),
    ]
    assert diff_rows(diff_sources(old, old).diff) == []


def test_hunks_far_apart_restart_the_line_numbers() -> None:
    old = source(1, [f"line {n}" for n in range(1, 21)])
    new = source(2, ["first", *[f"line {n}" for n in range(1, 20)], "changed"])
    lines = diff_rows(diff_sources(old, new, context=1).diff)
    hunks = [x["text"] for x in lines if x["kind"] == "hunk"]
    assert hunks == ["@@ -1 +1,2 @@", "@@ -19,2 +20,2 @@"]
    changed = next(x for x in lines if x["text"] == "+changed")
    assert changed["new"] == "21"
    gone = next(x for x in lines if x["text"] == "-line 20")
    assert gone["old"] == "20"


def test_the_summary_counts_lines_or_says_the_code_is_the_same() -> None:
    assert diff_summary(2, 0) == "2 lines added, 0 removed"
    assert diff_summary(1, 3) == "1 line added, 3 removed"
    assert diff_summary(0, 0) == "The code is the same."


def test_a_run_names_its_version_and_the_bundle_that_produced_it() -> None:
    assert run_version({"dag_versions": [version(2)]}) == "version 2 · bundle dags-folder"
    assert (
        run_version({"dag_versions": [version(7, "repo", "old")], "bundle_version": "3f2a9c1"})
        == "version 7 · bundle repo@3f2a9c1"
    )
    assert (
        run_version({"dag_versions": [version(4, "repo", "abc"), version(3, "repo", "9de")]})
        == "versions 3, 4 · bundle repo@abc"
    )
    assert run_version({"dag_versions": [version(1, None)]}) == "version 1"
    assert run_version({"dag_versions": []}) == run_version({}) == ""
