import gc

gc.disable()  # importing prhub makes tens of thousands of long-lived objects: nothing to collect yet
from prhub.cli import main  # noqa: E402

gc.enable()
main(prog_name="prhub")
