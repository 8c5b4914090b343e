"""The declared stage registry: every table newsframe builds, the tables it needs and its options.

A stage is declared once, here: its name, the tables it makes, the tables it requires, its options (typed, with
defaults and a help line) and one build function. :class:`~newsframe.analysis.Analysis` validates options up
front against these declarations (an unknown or mistyped option is an error that lists the valid ones), builds
a table on first use after the tables it requires, and the corpus engine runs the same registry on each batch.

The build functions below are thin adapters: each imports its stage module on first use (so ``import
newsframe`` stays cheap) and calls one pure function over DataFrames that lives with its concern
(``actors.find_mentions``, ``frames.code_generic_frames``, ...).

To add a stage: write the pure function in its module, add its tables' columns to :mod:`newsframe.schema`,
and append a :class:`Stage` to :data:`STAGES` with an adapter ``_build_<name>(tables, **options)``.
``python -m newsframe.stages`` prints the stage graph and option list that the README carries.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Mapping

import pandas as pd

from .errors import NewsframeError

# The four tables parsing makes from the input documents; every other stage starts from them.
PARSE_TABLES = ("documents", "paragraphs", "sentences", "tokens")


@dataclass(frozen=True)
class Option:
    """One option of a stage.

    ``kind`` is ``"path"`` (a file: ``str`` or ``Path``; ``None`` or ``""`` means the package default),
    ``"float"``, ``"int"``, ``"bool"`` or ``"choice"`` (one of ``choices``). Lexicon options end in ``_path``.
    """

    name: str
    kind: str
    default: Any
    help: str
    choices: tuple[str, ...] = ()

    def coerce(self, value: Any) -> Any:
        """``value`` checked and converted to this option's kind; a wrong one raises NewsframeError."""
        if value is None or (isinstance(value, str) and value == "" and self.kind != "choice"):
            return self.default
        bad = f"option {self.name!r} must be {self._expects()}, not {value!r}"
        if self.kind == "path":
            if isinstance(value, pd.DataFrame):  # a lexicon given as a table (the gazetteer accepts one)
                return value
            if not isinstance(value, (str, Path)):
                raise NewsframeError(bad)
            return Path(value).expanduser()
        if self.kind == "bool":
            if not isinstance(value, bool):
                raise NewsframeError(bad)
            return value
        if self.kind == "int":
            if isinstance(value, bool) or not isinstance(value, int):
                raise NewsframeError(bad)
            return value
        if self.kind == "float":
            if isinstance(value, bool) or not isinstance(value, (int, float)):
                raise NewsframeError(bad)
            return float(value)
        if self.kind == "choice":
            if value not in self.choices:
                raise NewsframeError(bad)
            return value
        raise AssertionError(f"unknown option kind {self.kind}")

    def _expects(self) -> str:
        return {"path": "a file path", "bool": "true or false", "int": "a whole number", "float": "a number",
                "choice": "one of " + ", ".join(self.choices)}[self.kind]


@dataclass(frozen=True)
class Stage:
    """One declared stage: ``build(tables, **options)`` returns a DataFrame (one table) or a dict by name."""

    name: str
    makes: tuple[str, ...]
    requires: tuple[str, ...]
    build: Callable[..., pd.DataFrame | dict[str, pd.DataFrame]]
    help: str
    options: tuple[Option, ...] = field(default=())
    # Tables that other stages read but that are not written out by `newsframe tables` (e.g. embeddings).
    internal: tuple[str, ...] = field(default=())


# -- adapters: one per stage; each imports its module on first use -------------------------------------------

def _build_mentions(t: Mapping[str, pd.DataFrame], *, gazetteer_path: Any) -> pd.DataFrame:
    from .actors import find_mentions
    return find_mentions(t["documents"], t["tokens"], gazetteer=gazetteer_path)


def _build_actors(t: Mapping[str, pd.DataFrame]) -> pd.DataFrame:
    from .actors import summarize_actors
    return summarize_actors(t["mentions"], t["sentences"])


def _build_cooccurrence(t: Mapping[str, pd.DataFrame]) -> pd.DataFrame:
    from .actors import count_cooccurrence
    return count_cooccurrence(t["mentions"])


def _build_actions(t: Mapping[str, pd.DataFrame]) -> pd.DataFrame:
    from .actors import find_actions
    return find_actions(t["mentions"], t["tokens"], t["documents"])


def _build_sentiment(t: Mapping[str, pd.DataFrame]) -> pd.DataFrame:
    from .sentiment import score_sentences
    return score_sentences(t["sentences"])


def _build_sentiment_evidence(t: Mapping[str, pd.DataFrame]) -> pd.DataFrame:
    from .sentiment import sentiment_evidence
    return sentiment_evidence(t["sentences"])


def _build_tone(t: Mapping[str, pd.DataFrame], *, tone_lexicon: str) -> pd.DataFrame:
    from .sentiment import score_tone
    return score_tone(t["documents"], t["paragraphs"], t["tokens"], lexicon=tone_lexicon)


def _build_actor_sentiment(t: Mapping[str, pd.DataFrame], *, toward_model_path: Any) -> pd.DataFrame:
    from .toward import score_actor_sentiment
    return score_actor_sentiment(t["mentions"], t["sentences"], t["sentiment"], model=toward_model_path)


def _build_attributions(t: Mapping[str, pd.DataFrame], *, speech_verbs_path: Any) -> pd.DataFrame:
    from .attribution import find_attributions
    return find_attributions(t["sentences"], t["tokens"], t["mentions"], lexicon=speech_verbs_path,
                             documents=t["documents"])


def _build_frames_generic(t: Mapping[str, pd.DataFrame], *, frames_generic_path: Any,
                          frames_generic_model_path: Any) -> pd.DataFrame:
    from .frames import code_generic_frames
    return code_generic_frames(t["sentences"], mentions=t["mentions"], attributions=t["attributions"],
                               sentiment=t["sentiment"], lexicon=frames_generic_path, model=frames_generic_model_path)


def _build_frame_hits(t: Mapping[str, pd.DataFrame], *, frames_policy_path: Any) -> pd.DataFrame:
    from .frames import policy_frame_hits
    return policy_frame_hits(t["sentences"], t["tokens"], lexicon=frames_policy_path)


def _build_frames_policy(t: Mapping[str, pd.DataFrame], *, frame_prototypes_path: Any, policy_encoder: str,
                         frames_policy_model_path: Any, policy_threshold: float | None) -> pd.DataFrame:
    from .frames import policy_similarity_or_none, score_policy_frames
    similarity = policy_similarity_or_none(t["sentences"], prototypes=frame_prototypes_path, encoder=policy_encoder,
                                           hits=t["frame_hits"])
    return score_policy_frames(t["frame_hits"], t["sentences"], similarity=similarity,
                               model=frames_policy_model_path, threshold=policy_threshold)


def _build_hedges(t: Mapping[str, pd.DataFrame], *, hedges_path: Any) -> pd.DataFrame:
    from .frames import score_hedges
    return score_hedges(t["sentences"], lexicon=hedges_path)


def _build_labels(t: Mapping[str, pd.DataFrame], *, labels_path: Any) -> pd.DataFrame:
    from .frames import find_labels
    return find_labels(t["sentences"], lexicon=labels_path)


# --- roles (narrative roles; roles.py) ---
def _build_roles(t: Mapping[str, pd.DataFrame], *, roles_lexicon_path: Any, roles_model_path: Any,
                 roles_encoder: str) -> dict[str, pd.DataFrame]:
    from .roles import find_roles
    return find_roles(t["mentions"], t["actors"], t["actions"], t["attributions"], t["actor_sentiment"], t["tokens"],
                      documents=t["documents"], lexicon_path=roles_lexicon_path, model_path=roles_model_path,
                      encoder=roles_encoder)


def _path_option(name: str, file: str, what: str) -> Option:
    return Option(name, "path", None, f"{what} CSV (default data/{file})")



STAGES: tuple[Stage, ...] = (
    Stage("mentions", makes=("mentions",), requires=("documents", "tokens"), build=_build_mentions,
          help="actor mentions: gazetteer names, titles, metonyms, groups, pronouns (actors.py)",
          options=(_path_option("gazetteer_path", "actors.csv", "actor gazetteer"),)),
    Stage("actors", makes=("actors",), requires=("mentions", "sentences"), build=_build_actors,
          help="one row per actor and document: prominence and first appearance (actors.py)"),
    Stage("cooccurrence", makes=("cooccurrence",), requires=("mentions",), build=_build_cooccurrence,
          help="actor pairs named in the same sentence (actors.py)"),
    Stage("actions", makes=("actions",), requires=("mentions", "tokens", "documents"), build=_build_actions,
          help="who did what to whom: subject actor, verb, object actor (actors.py)"),
    Stage("sentiment", makes=("sentiment",), requires=("sentences",), build=_build_sentiment,
          help="VADER and TextBlob scores per sentence (sentiment.py)"),
    Stage("sentiment_evidence", makes=("sentiment_evidence",), requires=("sentences",),
          build=_build_sentiment_evidence, help="VADER's rule-by-rule evidence per word (sentiment.py)"),
    Stage("tone", makes=("tone",), requires=("documents", "paragraphs", "tokens"), build=_build_tone,
          help="GDELT-style tone per document and paragraph (sentiment.py)",
          options=(Option("tone_lexicon", "choice", "vader", "word list for tone", choices=("vader", "textblob")),)),
    Stage("actor_sentiment", makes=("actor_sentiment",), requires=("mentions", "sentences", "sentiment"),
          build=_build_actor_sentiment, help="sentiment toward each actor mention (toward.py)",
          options=(Option("toward_model_path", "path", None,
                          "target-sentiment model JSON (default data/models/toward_minilm.json)"),)),
    Stage("attributions", makes=("attributions",), requires=("sentences", "tokens", "mentions", "documents"),
          build=_build_attributions, help="who said what to whom, with the reporting verb (attribution.py)",
          options=(_path_option("speech_verbs_path", "speech_verbs.csv", "reporting-verb lexicon"),)),
    Stage("frames_generic", makes=("frames_generic",), requires=("sentences", "mentions", "attributions", "sentiment"),
          build=_build_frames_generic, help="Semetko & Valkenburg's generic frames, question by question (frames.py)",
          options=(_path_option("frames_generic_path", "frames_generic.csv", "generic-frame lexicon"),
                   Option("frames_generic_model_path", "path", None,
                          "generic-frame decision JSON (default data/models/frames_generic.json)"))),
    Stage("frame_hits", makes=("frame_hits",), requires=("sentences", "tokens"), build=_build_frame_hits,
          help="policy-frame dictionary hits per sentence (frames.py)",
          options=(_path_option("frames_policy_path", "frames_policy.csv", "policy-frame dictionary"),)),
    Stage("frames_policy", makes=("frames_policy",), requires=("frame_hits", "sentences"),
          build=_build_frames_policy, help="policy frames per document: score, rank, present (frames.py)",
          options=(_path_option("frame_prototypes_path", "frame_prototypes.csv", "policy-frame prototype sentences"),
                   Option("policy_encoder", "choice", "auto", "MiniLM prototype similarity: auto (when installed), "
                          "minilm (required) or none (lexicon only)", choices=("auto", "minilm", "none")),
                   Option("frames_policy_model_path", "path", None,
                          "policy-frame norms and thresholds JSON (default data/models/frames_policy.json)"),
                   Option("policy_threshold", "float", None, "score at which a frame is present "
                          "(default: the model's, calibrated to coders' 3-4 frames per article)"))),
    Stage("hedges", makes=("hedges",), requires=("sentences",), build=_build_hedges,
          help="hedges, boosters and conditionals per sentence, certainty index (frames.py)",
          options=(_path_option("hedges_path", "hedges.csv", "hedge and booster lexicon"),)),
    Stage("labels", makes=("labels",), requires=("sentences",), build=_build_labels,
          help="naming choices for contested things (frames.py)",
          options=(_path_option("labels_path", "labels.csv", "naming-choice lexicon"),)),
    Stage("roles", makes=("roles", "role_evidence"),
          requires=("mentions", "actors", "actions", "attributions", "actor_sentiment", "tokens", "documents"),
          build=_build_roles, help="hero, villain, victim per actor and document, with every cue (roles.py)",
          options=(_path_option("roles_lexicon_path", "roles.csv", "role cue lexicon"),
                   Option("roles_model_path", "path", None,
                          "role source weights and threshold JSON (default data/models/roles.json)"),
                   Option("roles_encoder", "choice", "auto", "MiniLM role-prototype features of the model: auto "
                          "(when installed), minilm (required) or none (read at their training mean)",
                          choices=("auto", "minilm", "none")))),
)


# -- lookups ---------------------------------------------------------------------------------------------------

def _index() -> dict[str, Stage]:
    by_table: dict[str, Stage] = {}
    for st in STAGES:
        for name in st.makes:
            if name in by_table or name in PARSE_TABLES:
                raise AssertionError(f"table {name} is made by two stages")
            by_table[name] = st
    return by_table


STAGE_OF: dict[str, Stage] = _index()


def table_names(*, internal: bool = True) -> list[str]:
    """Every table the registry can build (parse tables first, then in declaration order)."""
    names = list(PARSE_TABLES)
    for st in STAGES:
        names += [t for t in st.makes if internal or t not in st.internal]
    return names


def options() -> dict[str, Option]:
    """Every option by name (an option two stages share is declared identically in both)."""
    out: dict[str, Option] = {}
    for st in STAGES:
        for opt in st.options:
            if opt.name in out and out[opt.name] != opt:
                raise AssertionError(f"option {opt.name} declared twice, differently")
            out[opt.name] = opt
    return out


def no_encoder_options() -> dict[str, Any]:
    """Options that keep every stage off the MiniLM encoder (``newsframe tables --no-encoder``): the linear
    toward model, lexicon-only policy frames, role-prototype features at their training mean. Several times
    faster on a large corpus, less accurate (README "Performance" gives both)."""
    from . import config
    return {"toward_model_path": config.TOWARD_MODEL_PATH, "policy_encoder": "none", "roles_encoder": "none"}


def resolve_options(given: Mapping[str, Any]) -> dict[str, Any]:
    """Every option's value: ``given`` checked against the declarations, the rest at their defaults.

    Raises
    ------
    NewsframeError
        For an unknown option (the message lists the valid ones) or a value of the wrong kind.
    """
    declared = options()
    unknown = sorted(set(given) - set(declared))
    if unknown:
        raise NewsframeError(f"unknown option(s) {', '.join(unknown)}; valid options: {', '.join(sorted(declared))}")
    return {name: opt.coerce(given.get(name)) for name, opt in declared.items()}


def build_order(names: list[str]) -> list[Stage]:
    """The stages to run, dependencies first, so that every table in ``names`` can be built."""
    order: list[Stage] = []
    seen: set[str] = set()

    def visit(table: str, path: tuple[str, ...]) -> None:
        if table in PARSE_TABLES:
            return
        if table not in STAGE_OF:
            raise NewsframeError(f"unknown table {table!r}; known: {', '.join(table_names(internal=False))}")
        st = STAGE_OF[table]
        if st.name in seen:
            return
        if st.name in path:
            raise AssertionError(f"stage cycle: {' -> '.join(path + (st.name,))}")
        for req in st.requires:
            visit(req, path + (st.name,))
        seen.add(st.name)
        order.append(st)

    for n in names:
        visit(n, ())
    return order


def run_stage(stage: Stage, tables: Mapping[str, pd.DataFrame], resolved: Mapping[str, Any]) -> dict[str, pd.DataFrame]:
    """Run one stage over the tables it requires; returns the tables it makes by name."""
    kwargs = {opt.name: resolved[opt.name] for opt in stage.options}
    result = stage.build({name: tables[name] for name in stage.requires}, **kwargs)
    if isinstance(result, pd.DataFrame):
        if len(stage.makes) != 1:
            raise AssertionError(f"stage {stage.name} must return a dict of {stage.makes}")
        return {stage.makes[0]: result}
    missing = set(stage.makes) - set(result)
    if missing:
        raise AssertionError(f"stage {stage.name} did not make {sorted(missing)}")
    return {name: result[name] for name in stage.makes}


# -- the README block ----------------------------------------------------------------------------------------

def markdown() -> str:
    """The stage graph and option list as Markdown (the README's "Stages" block)."""
    lines = ["| stage | makes | requires | options |", "| --- | --- | --- | --- |",
             f"| parse | {', '.join(PARSE_TABLES)} | the input documents | (see `analyze`) |"]
    for st in STAGES:
        opts = ", ".join(f"`{o.name}`" for o in st.options) or ""
        lines.append(f"| {st.name} | {', '.join(st.makes)} | {', '.join(st.requires)} | {opts} |")
    lines += ["", "| option | kind | default | meaning |", "| --- | --- | --- | --- |"]
    for name, opt in sorted(options().items()):
        kind = opt.kind if opt.kind != "choice" else "one of " + ", ".join(opt.choices)
        default = "package default" if opt.default is None else f"`{opt.default}`"
        lines.append(f"| `{name}` | {kind} | {default} | {opt.help} |")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    print(markdown(), end="")
