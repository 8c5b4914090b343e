"""Imported by the ``forkserver`` process of ``newsframe tables --jobs N`` (Linux): warm it once, then every
worker forked from it starts with the modules, lexicons and encoder already loaded (and shares their pages
until one writes them) instead of loading them again, all at once, in each spawned interpreter.

A failed warm-up only costs speed: the workers then load what they need lazily, as spawned ones do; one
line on stderr says so.
"""
import sys

WARM = False
ROWS: dict = {}  # rows of each table in the warm-up analysis
try:
    from .engine import warm_worker

    ROWS = warm_worker()
    WARM = True
except Exception as exc:  # noqa: BLE001 - never stop the fork server; a worker loads lazily instead
    print(f"newsframe: warm-up of the worker server failed ({type(exc).__name__}: {exc}); workers load their "
          "models themselves", file=sys.stderr)
