"""Every path the package uses, anchored on the package itself (never on the current directory)."""
from __future__ import annotations

from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
REPO_ROOT = PACKAGE_DIR.parents[1]
DATA_DIR = REPO_ROOT / "data"
SEEDS_DIR = REPO_ROOT / "seeds"
NOTEBOOKS_DIR = REPO_ROOT / "notebooks"
GOLD_DIR = DATA_DIR / "gold"
DEFAULT_SEED = SEEDS_DIR / "000_06c1c8e6a035bd93.txt"
DEFAULT_REPORTS_DIR = REPO_ROOT / "reports"

# Lexicons and resources in data/ (users may pass their own paths wherever these are used).
STOPWORDS_PATH = DATA_DIR / "stopwords.csv"
ABBREVIATIONS_PATH = DATA_DIR / "abbreviations.csv"
ACTORS_PATH = DATA_DIR / "actors.csv"
FRAMES_GENERIC_PATH = DATA_DIR / "frames_generic.csv"
FRAMES_POLICY_PATH = DATA_DIR / "frames_policy.csv"
LABELS_PATH = DATA_DIR / "labels.csv"
SPEECH_VERBS_PATH = DATA_DIR / "speech_verbs.csv"
HEDGES_PATH = DATA_DIR / "hedges.csv"
TOWARD_MODEL_PATH = DATA_DIR / "models" / "toward.json"
SEED_GOLD_PATH = GOLD_DIR / "seed_mentions.csv"

# One document larger than this is almost surely a mistake (a dump, not an article); the CLI says so.
MAX_DOCUMENT_CHARS = 5_000_000
