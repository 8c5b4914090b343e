"""newsframe: how a news article frames the event, who appears in it, and in what light.

Start with :func:`analyze`, which returns an :class:`Analysis` whose attributes are tidy tables
(documents, paragraphs, sentences, tokens, mentions, sentiment, frames, ...). Columns: :mod:`newsframe.schema`.
"""
from importlib.metadata import PackageNotFoundError, version as _version

from .analysis import Analysis, analyze
from .errors import NewsframeError
from .io import load_documents
from .parse import parse_documents

try:
    __version__ = _version("newsframe")
except PackageNotFoundError:  # running from a source tree without installation
    __version__ = "0.0.0"

# Stage modules load on first use (``newsframe.actors``), so ``import newsframe`` stays cheap.
_STAGES = ("actors", "attribution", "compare", "config", "engine", "explore", "frames", "grammar", "plots",
           "render", "schema", "sentiment", "stages", "toward", "validate")


def __getattr__(name: str):
    if name == "open_tables":  # lazy tables of a corpus run (newsframe.engine)
        from .engine import open_tables

        return open_tables
    if name in _STAGES:
        import importlib

        return importlib.import_module(f"{__name__}.{name}")
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = ["Analysis", "NewsframeError", "analyze", "load_documents", "open_tables", "parse_documents",
           "__version__", *_STAGES]
