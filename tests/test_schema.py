"""Every table matches its documented columns, and the README lists the schema as it is."""
from pathlib import Path
import re

import pytest

from newsframe import config, schema
from newsframe.analysis import Analysis


@pytest.mark.parametrize("name", Analysis.table_names())
def test_seed_table_has_documented_columns(seed_analysis, name):
    assert list(seed_analysis.table(name).columns) == schema.columns(name)


@pytest.mark.parametrize("name", [n for n in Analysis.table_names() if "start" in schema.TABLES[n]])
def test_offsets_slice_back(seed_analysis, seed_text, name):
    frame = seed_analysis.table(name)
    surface = "text" if "text" in frame.columns else "word"
    assert not frame.empty
    bad = [(s, e, t) for s, e, t in zip(frame.start, frame.end, frame[surface]) if seed_text[int(s):int(e)] != t]
    assert not bad, bad[:3]


def test_readme_lists_current_schema():
    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
    block = re.search(r"<!-- tables:start -->\n(.*?)\n<!-- tables:end -->", readme, re.S)
    assert block, "README lacks the tables block"
    assert block.group(1) == schema.markdown(), "README is stale: regenerate with `python -m newsframe.schema`"


def test_readme_lists_current_stages():
    from newsframe import stages

    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
    block = re.search(r"<!-- stages:start -->\n(.*?)<!-- stages:end -->", readme, re.S)
    assert block, "README lacks the stages block"
    assert block.group(1) == stages.markdown(), "README is stale: regenerate with `python -m newsframe.stages`"
