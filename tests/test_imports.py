"""``import newsframe`` stays cheap: heavy libraries are imported only by the code that uses them."""
from __future__ import annotations

import subprocess
import sys

import pytest

# Each costs from half a second (plotly) to many seconds (torch; nltk pulls in scipy and scikit-learn).
HEAVY = ("nltk", "sklearn", "scipy", "torch", "transformers", "plotly", "dask")


def _imported(code: str) -> set[str]:
    """Top-level package names that ``python -X importtime -c code`` reports importing."""
    run = subprocess.run([sys.executable, "-X", "importtime", "-c", code], capture_output=True, text=True,
                         check=True)
    names = set()
    for line in run.stderr.splitlines():
        if line.startswith("import time:") and "|" in line:
            names.add(line.rsplit("|", 1)[1].strip().split(".")[0])
    return names


def test_import_newsframe_loads_no_heavy_module():
    names = _imported("import newsframe")
    assert "newsframe" in names  # the report is read correctly
    assert not names & set(HEAVY), sorted(names & set(HEAVY))
    assert "pandas" not in names  # the entry points (analyze, ...) load pandas on first use


@pytest.mark.parametrize("module", ["analysis", "stages", "parse", "io", "actors", "sentiment", "attribution",
                                    "grammar", "toward", "encoder", "frames"])
def test_stage_modules_load_no_heavy_module(module):
    names = _imported(f"import newsframe.{module}")
    assert not names & set(HEAVY), sorted(names & set(HEAVY))


def test_lazy_entry_points_still_work():
    code = ("import newsframe as nf\n"
            "a = nf.analyze('Putin met Erdogan in Ankara. They spoke.')\n"
            "assert isinstance(a, nf.Analysis) and len(a.sentences) == 2\n"
            "assert callable(nf.load_documents) and callable(nf.parse_documents) and nf.encoder.DIM == 384\n")
    subprocess.run([sys.executable, "-c", code], check=True)
