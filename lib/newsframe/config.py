"""Every path the package uses, anchored on the package itself (never on the current directory).

Lexicons, models, notebooks and the seed article are package data: the checkout's ``data/``, ``notebooks/``
and ``seeds/`` are installed as ``newsframe/data``, ``newsframe/notebooks`` and ``newsframe/seeds`` (see
setup.py) and found here through :mod:`importlib.resources`; an editable install maps them back to the
checkout, so edits to ``data/`` take effect at once.
"""
from __future__ import annotations

import importlib.resources
import importlib.util
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent


def _resource_dir(package: str, checkout_folder: str) -> Path:
    """The folder of resource package ``package``; from a bare source tree (``PYTHONPATH=lib``, no install)
    the checkout's own folder."""
    try:
        found = importlib.resources.files(package)
    except ModuleNotFoundError:
        return PACKAGE_DIR.parents[1] / checkout_folder
    if isinstance(found, Path):
        return found
    # A namespace package (these folders hold no __init__.py) answers with a MultiplexedPath; it has one
    # folder here, which the import system names.
    spec = importlib.util.find_spec(package)
    return Path(next(iter(spec.submodule_search_locations)))


DATA_DIR = _resource_dir("newsframe.data", "data")
SEEDS_DIR = _resource_dir("newsframe.seeds", "seeds")
NOTEBOOKS_DIR = _resource_dir("newsframe.notebooks", "notebooks")
TEMPLATES_DIR = PACKAGE_DIR / "templates"
GOLD_DIR = DATA_DIR / "gold"
MODELS_DIR = DATA_DIR / "models"
DEFAULT_SEED = SEEDS_DIR / "000_06c1c8e6a035bd93.txt"

# Lexicons and resources in data/ (users may pass their own paths wherever these are used).
STOPWORDS_PATH = DATA_DIR / "stopwords.csv"
ABBREVIATIONS_PATH = DATA_DIR / "abbreviations.csv"
ACTORS_PATH = DATA_DIR / "actors.csv"
FRAMES_GENERIC_PATH = DATA_DIR / "frames_generic.csv"
FRAMES_POLICY_PATH = DATA_DIR / "frames_policy.csv"
LABELS_PATH = DATA_DIR / "labels.csv"
SPEECH_VERBS_PATH = DATA_DIR / "speech_verbs.csv"
HEDGES_PATH = DATA_DIR / "hedges.csv"
TOWARD_MODEL_PATH = MODELS_DIR / "toward.json"
SEED_GOLD_PATH = GOLD_DIR / "seed_mentions.csv"

# One document larger than this is almost surely a mistake (a dump, not an article); the CLI says so.
MAX_DOCUMENT_CHARS = 5_000_000
