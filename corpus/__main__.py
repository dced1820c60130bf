"""`python -m corpus` keeps its name; the commands live in the librarian's layer (desk/cli.py)."""
from desk.cli import main

main()
