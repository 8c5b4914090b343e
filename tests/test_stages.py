"""The declared stage registry: options checked up front, tables built in dependency order."""
from pathlib import Path

import pandas as pd
import pytest

import newsframe
from newsframe import schema, stages
from newsframe.errors import NewsframeError


def test_every_required_table_is_made_by_some_stage():
    made = set(stages.PARSE_TABLES)
    for st in stages.STAGES:
        for req in st.requires:
            assert req in made or req in stages.STAGE_OF, f"{st.name} requires unknown table {req}"
        made |= set(st.makes)


def test_every_written_table_has_a_schema():
    for name in stages.table_names(internal=False):
        assert name in schema.TABLES, name


def test_path_options_end_in_path():
    for name, opt in stages.options().items():
        assert (opt.kind == "path") == name.endswith("_path"), name


def test_no_option_is_named_like_a_table():
    assert not set(stages.options()) & set(stages.table_names())


def test_unknown_option_is_an_error_listing_the_valid_ones():
    with pytest.raises(NewsframeError) as err:
        newsframe.analyze("Putin spoke.", gazeteer_path="x.csv")  # misspelt
    assert "gazeteer_path" in str(err.value) and "gazetteer_path" in str(err.value)


@pytest.mark.parametrize("option, value", [("policy_threshold", "high"), ("policy_encoder", "bert"),
                                           ("tone_lexicon", "afinn"), ("gazetteer_path", 3)])
def test_wrongly_typed_option_is_an_error(option, value):
    with pytest.raises(NewsframeError, match=option):
        newsframe.analyze("Putin spoke.", **{option: value})


def test_options_are_coerced_and_defaulted():
    a = newsframe.analyze("Putin spoke.", policy_threshold=1, gazetteer_path="")
    assert a.options["policy_threshold"] == 1.0 and isinstance(a.options["policy_threshold"], float)
    assert a.options["gazetteer_path"] is None
    assert a.options["tone_lexicon"] == "vader"


def test_build_order_puts_requirements_first():
    names = [st.name for st in stages.build_order(["frames_generic"])]
    # frames_generic needs mentions, attributions (which needs mentions) and sentiment
    assert names.index("mentions") < names.index("attributions") < names.index("frames_generic")
    assert names.index("sentiment") < names.index("frames_generic")
    assert "tone" not in names and "actor_sentiment" not in names


def test_building_one_table_builds_only_what_it_needs():
    a = newsframe.analyze("Putin met Erdogan in Ankara. They spoke for two hours.")
    a.table("actors")
    assert set(a._tables) == {"documents", "paragraphs", "sentences", "tokens", "skipped", "mentions", "actors"}


def test_unknown_table_is_an_error():
    a = newsframe.analyze("Putin spoke.")
    with pytest.raises(NewsframeError, match="unknown table 'frams'"):
        a.table("frams")


def test_a_stage_gets_exactly_its_required_tables_and_options(monkeypatch):
    seen = {}

    def build(tables, *, gazetteer_path):
        seen["tables"] = sorted(tables)
        seen["gazetteer_path"] = gazetteer_path
        return pd.DataFrame(columns=schema.columns("mentions"))

    st = stages.STAGE_OF["mentions"]
    monkeypatch.setitem(stages.STAGE_OF, "mentions", stages.Stage(st.name, st.makes, st.requires, build, st.help,
                                                                    st.options))
    a = newsframe.analyze("Putin spoke.", gazetteer_path="my.csv")
    a.table("mentions")
    assert seen == {"tables": ["documents", "tokens"], "gazetteer_path": Path("my.csv")}


def test_no_library_module_imports_the_cli():
    import subprocess
    import sys

    modules = ["newsframe.render", "newsframe.toward", "newsframe.sentiment", "newsframe.frames", "newsframe.actors",
               "newsframe.attribution", "newsframe.analysis"]
    code = "import sys\n" + "".join(f"import {m}\n" for m in modules) + "print('newsframe.cli' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip()
    assert out == "False"
