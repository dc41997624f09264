from prhub.cli import main

main(prog_name="prhub")
