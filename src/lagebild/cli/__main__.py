"""``python -m lagebild.cli`` runs the command line."""

from lagebild.cli import main

main()
