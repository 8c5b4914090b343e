"""Time to render the full report set for the bundled seed, beside papermill running as many empty notebooks.

The difference is what the analysis, figures and HTML export cost on top of papermill's own overhead
(kernel start, injection, saving), which dominates small articles.
"""
from __future__ import annotations

import tempfile
import time
from pathlib import Path

import nbformat
import pandas as pd

from newsframe import config, render

# Renders every notebook (minutes): run it with `python bench/bench.py --modules render`.
DEFAULT = False


def _empty_notebook(path: Path) -> Path:
    nb = nbformat.v4.new_notebook()
    cell = nbformat.v4.new_code_cell('input_path: str = ""  # unused')
    cell.metadata["tags"] = ["parameters"]
    nb.cells = [cell]
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(nb, str(path))
    return path


def run(corpus: pd.DataFrame | None = None) -> dict:
    """Render every notebook for the seed (one job), then run the same number of empty notebooks.

    ``corpus`` is ignored: the reports are rendered for the bundled seed article, as ``make report`` does.
    """
    with tempfile.TemporaryDirectory(prefix="newsframe-bench-render-") as tmp:
        tmp_path = Path(tmp)
        t0 = time.perf_counter()
        reports = render.render_reports(config.DEFAULT_SEED, tmp_path / "reports", jobs=1, progress=lambda _: None)
        full = time.perf_counter() - t0
        sizes = {Path(h).name: Path(h).stat().st_size for h in reports["html"]}
        empty = _empty_notebook(tmp_path / "empty.ipynb")
        t1 = time.perf_counter()
        for i in range(len(reports)):
            render.run_notebook(empty, tmp_path / f"empty_{i}.ipynb", parameters={"input_path": "x"},
                                html_output=False)
        baseline = time.perf_counter() - t1
    return {
        "notebooks": len(reports),
        "charts": int(reports["n_charts"].sum()),
        "render_seconds": round(full, 1),
        "empty_papermill_seconds": round(baseline, 1),
        "render_over_empty": round(full / baseline, 2) if baseline else None,
        "per_notebook_seconds": {r.notebook: r.seconds for r in reports.itertuples()},
        "html_kb": {k: round(v / 1024) for k, v in sizes.items()},
    }


if __name__ == "__main__":
    print(run())
