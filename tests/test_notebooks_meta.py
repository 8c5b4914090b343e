"""The committed notebooks: house structure, parameters papermill can describe, small and stable outputs.

nbval (``make test-notebooks``) re-runs them and compares the cells marked ``NBVAL_CHECK_OUTPUT``; the last
test here proves that such a comparison fails when a result table changes.
"""
from __future__ import annotations

import ast
import copy
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from newsframe import config, render

NOTEBOOKS = sorted(config.NOTEBOOKS_DIR.glob("[0-9]*.ipynb"))
MAX_BYTES = 300_000


def _read(path: Path):
    return nbformat.read(str(path), as_version=4)


def test_every_planned_notebook_exists():
    assert [p.stem for p in NOTEBOOKS] == list(render.NOTEBOOKS)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_structure_follows_the_house_style(path):
    nb = _read(path)
    cells = nb.cells
    assert cells[0].cell_type == "markdown" and cells[0].source.startswith("# ")
    assert "## Overview" in cells[0].source
    tagged = [i for i, c in enumerate(cells) if "parameters" in c.metadata.get("tags", [])]
    assert len(tagged) == 1, "exactly one cell tagged parameters"
    headings = [ln for c in cells if c.cell_type == "markdown" for ln in c.source.splitlines() if ln.startswith("## ")]
    for required in ("## Imports", "## Summary", "## Method notes and sources"):
        assert required in headings, f"{path.stem}: missing {required}"
    assert headings.index("## Imports") < headings.index("## Summary")
    assert nb.metadata["kernelspec"]["name"] == "python3"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_parameters_are_typed_commented_literals(path):
    cell = next(c for c in _read(path).cells if "parameters" in c.metadata.get("tags", []))
    tree = ast.parse(cell.source)
    for node in tree.body:
        assert isinstance(node, ast.AnnAssign), f"{path.stem}: parameters must be annotated assignments"
        try:
            ast.literal_eval(node.value)
        except ValueError:
            pytest.fail(f"{path.stem}: {ast.unparse(node)} is not a literal")
    declared = render.notebook_parameters(path.stem)
    assert set(declared) == {n.target.id for n in tree.body}
    for name, info in declared.items():
        assert info["type"] in ("str", "int", "float", "bool"), (name, info)
        assert info["help"], f"{path.stem}: parameter {name} has no comment"
    assert declared["input_path"]["default"] == '""'  # empty means the bundled seed (works from any cwd)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_committed_notebook_is_small_and_has_no_volatile_outputs(path):
    assert path.stat().st_size < MAX_BYTES
    nb = _read(path)
    text = path.read_text(encoding="utf-8")
    assert "plotly.js v" not in text and "application/vnd.plotly" not in text
    assert "papermill" not in nb.metadata
    for cell in nb.cells:
        if cell.cell_type == "code":
            assert not any(render._is_volatile(o) for o in cell.outputs), f"{path.stem}: figure or stderr output"
            assert "injected-parameters" not in cell.metadata.get("tags", [])
            assert cell.execution_count is not None or not cell.outputs, "nbval fails on unrun cells with outputs"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_checked_cells_have_committed_outputs(path):
    # A NBVAL_CHECK_OUTPUT cell without a committed output would compare nothing.
    checked = [c for c in _read(path).cells if c.cell_type == "code" and "NBVAL_CHECK_OUTPUT" in c.source]
    assert checked, f"{path.stem}: no result table is checked by nbval"
    for cell in checked:
        assert cell.outputs, f"{path.stem}: run `make notebooks` to commit the checked outputs"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_no_analysis_logic_in_notebooks(path):
    # Notebooks call the library; loops and function definitions belong in lib/newsframe.
    for cell in _read(path).cells:
        if cell.cell_type == "code":
            tree = ast.parse(cell.source)
            assert not any(isinstance(n, (ast.FunctionDef, ast.For, ast.While, ast.ClassDef)) for n in ast.walk(tree)), \
                f"{path.stem}: move this logic into the library:\n{cell.source}"


def test_clean_notebook_drops_figures_and_run_metadata():
    nb = nbformat.v4.new_notebook()
    cell = nbformat.v4.new_code_cell("fig")
    cell.metadata["papermill"] = {"duration": 1.0}
    cell.outputs = [
        nbformat.v4.new_output("display_data", data={"application/vnd.plotly.v1+json": {}, "text/html": "x"}),
        nbformat.v4.new_output("display_data", data={"text/html": "<script>/* plotly.js v3 */</script>"}),
        nbformat.v4.new_output("stream", name="stderr", text="warning: /home/x\n"),
        nbformat.v4.new_output("execute_result", data={"text/plain": "   n\n0  1"}, execution_count=3),
    ]
    injected = nbformat.v4.new_code_cell("x = 1")
    injected.metadata["tags"] = ["injected-parameters"]
    nb.cells = [injected, cell]
    nb.metadata["papermill"] = {"parameters": {}}
    out = render.clean_notebook(copy.deepcopy(nb))
    assert len(out.cells) == 1
    assert [o["output_type"] for o in out.cells[0].outputs] == ["execute_result"]
    assert out.cells[0].execution_count == 1 == out.cells[0].outputs[0]["execution_count"]
    assert "papermill" not in out.metadata and "papermill" not in out.cells[0].metadata


@pytest.mark.slow
def test_nbval_fails_when_a_result_table_changes(tmp_path):
    """Copy a notebook, change one committed number in a checked table, and nbval must fail on it."""
    source = config.NOTEBOOKS_DIR / "01_overview.ipynb"
    nb = _read(source)
    checked = next(c for c in nb.cells if c.cell_type == "code" and "NBVAL_CHECK_OUTPUT" in c.source)
    assert checked.outputs, "run `make notebooks` first"
    good = tmp_path / "good.ipynb"
    nbformat.write(nb, str(good))
    tampered = copy.deepcopy(nb)
    cell = next(c for c in tampered.cells if c.cell_type == "code" and "NBVAL_CHECK_OUTPUT" in c.source)
    data = cell.outputs[0]["data"]
    n_words = str(int(__import__("newsframe").analyze(config.DEFAULT_SEED).documents["n_words"].iloc[0]))
    for key in ("text/plain", "text/html"):
        assert n_words in data[key]
        data[key] = data[key].replace(n_words, str(int(n_words) + 1))
    bad = tmp_path / "bad.ipynb"
    nbformat.write(tampered, str(bad))
    args = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "--nbval-lax", "--nbval-current-env",
            "--nbval-sanitize-with", str(config.NOTEBOOKS_DIR / "sanitize.cfg"), "--rootdir", str(tmp_path)]
    ok = subprocess.run(args + [str(good)], capture_output=True, text=True, cwd=tmp_path, timeout=600)
    assert ok.returncode == 0, ok.stdout[-2000:]
    failed = subprocess.run(args + [str(bad)], capture_output=True, text=True, cwd=tmp_path, timeout=600)
    assert failed.returncode != 0
    assert "NBVAL_CHECK_OUTPUT" in failed.stdout or "mismatch" in failed.stdout.lower(), failed.stdout[-2000:]
