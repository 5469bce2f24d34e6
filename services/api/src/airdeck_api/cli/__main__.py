"""``python -m airdeck_api.cli``: the ``airdeck`` command (``serve`` when given none)."""

from airdeck_api.cli.root import main

main()
