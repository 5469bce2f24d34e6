"""No-code API connectors (ADR 0026): a connector calls an HTTP API on a cron schedule, picks
fields out of its JSON answers and loads them into a table, as one Airflow DAG.

- ``spec``: what a person defines and the versioned spec the DAG factory reads.
- ``paths``: the field paths of a mapping (``data[*].user.email``), parsed and evaluated.
- ``mapping``: JSON answers into typed rows; ``pagination``: the request after a page.
- ``templates``: ``{{ secrets.NAME }}`` placeholders; ``addresses``: which hosts a call may reach.
- ``validation``: every problem of a definition, by field.
"""
