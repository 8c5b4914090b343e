"""newsframe: how a news article frames the event, who appears in it, and in what light.

Start with :func:`analyze`, which returns an :class:`Analysis` whose attributes are tidy tables
(documents, paragraphs, sentences, tokens, mentions, sentiment, frames, ...). Columns: :mod:`newsframe.schema`.
"""
from importlib.metadata import PackageNotFoundError, version as _version

from .errors import NewsframeError

try:
    __version__ = _version("newsframe")
except PackageNotFoundError:  # running from a source tree without installation
    __version__ = "0.0.0"

# Stage modules load on first use (``newsframe.actors``), so ``import newsframe`` stays cheap.
_STAGES = ("actors", "analysis", "attribution", "compare", "config", "dfm", "encoder", "engine", "explore", "frames",
           "grammar", "groups", "io", "kernel", "parse", "plots", "reader", "render", "schema", "sentiment", "stages",
           "toward", "validate")


# The entry points load pandas and the parser on first use too: ``import newsframe`` imports no pandas.
_LAZY = {"Analysis": "analysis", "analyze": "analysis", "load_documents": "io", "parse_documents": "parse",
         "open_tables": "engine"}  # open_tables: lazy tables of a corpus run (newsframe.engine)


def __getattr__(name: str):
    import importlib

    if name in _STAGES:
        return importlib.import_module(f"{__name__}.{name}")
    if name in _LAZY:
        value = getattr(importlib.import_module(f"{__name__}.{_LAZY[name]}"), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = ["Analysis", "NewsframeError", "analyze", "load_documents", "open_tables", "parse_documents",
           "__version__", *_STAGES]
