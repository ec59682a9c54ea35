"""`python -m flows` is `pickup-etl`."""

from flows.cli import main

main()
