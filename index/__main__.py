from index.cli import cli

cli(prog_name="python -m index")
