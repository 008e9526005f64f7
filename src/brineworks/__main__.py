"""``python -m brineworks`` runs the CLI."""

from brineworks.cli import main

main()
