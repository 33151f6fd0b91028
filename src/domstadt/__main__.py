"""``python -m domstadt`` runs the CLI."""

from domstadt.cli import main

main()
