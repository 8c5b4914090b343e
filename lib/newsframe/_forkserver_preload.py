"""Imported by the ``forkserver`` process of ``newsframe tables --jobs N`` (Linux): warm it once, then every
worker forked from it starts with the modules, lexicons and encoder already loaded (and shares their pages
until one writes them) instead of loading them again, all at once, in each spawned interpreter.

A failed warm-up only costs speed: the workers then load what they need lazily, as spawned ones do.
"""
try:
    from .engine import warm_worker

    warm_worker()
except Exception:  # noqa: BLE001 - never stop the fork server; a worker loads lazily instead
    pass
