"""The verdict of a packaging check (imported by the *_check.py scripts beside this file)."""
import sys


def report(what, problems, ok):
    """Prints each problem as `what: problem` and exits 1 if there is any; else `what: <ok>: ok`."""
    for problem in problems:
        print(f"{what}: {problem}")
    if problems:
        sys.exit(1)
    print(f"{what}: {ok}: ok")
