"""Airdeck's domain library: pure models and rules for running Airflow as a headless service.

Nothing here performs I/O or imports a web, HTTP or database framework, so any tool
(a CLI, a notebook, another service) can reuse it. Modules:

- ``models``: the msgspec structs that cross boundaries; ``errors``: the error vocabulary.
- ``graph``: graphs from tasks, execution order, cycles, neighbourhoods; ``groups``: collapse
  task groups; ``layout``: layered left-to-right positions.
- ``mapped``: per-task summaries with mapped tasks aggregated; ``overlay``: states on a graph.
- ``health``: classify a deployment's components; ``schedule``: human schedule text.
- ``rbac``: roles, scoped grants, ``decide``; ``caching`` and ``polling``: policies.
- ``logs`` and ``redaction``: log lines, ANSI segments, search, secrets removed.
- ``conf``: run conf validated against a DAG's params.
- ``required_actions``: human-in-the-loop requests and the checks a response passes.
"""
