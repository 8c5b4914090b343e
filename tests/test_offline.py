"""Everything runs with the network cut off: no nltk.download, no model hub, no web font."""
import socket

import pytest

import newsframe
from newsframe import config, explore


class _NetworkUsed(AssertionError):
    pass


def _refuse(*args, **kwargs):
    raise _NetworkUsed(f"network access attempted: {args[:2]}")


@pytest.fixture
def no_network(monkeypatch):
    """Make every way of opening a connection fail loudly for the duration of a test."""
    class _NoSocket(socket.socket):
        def __init__(self, family=-1, type=-1, proto=-1, fileno=None):
            if fileno is None and family in (-1, socket.AF_INET, socket.AF_INET6):
                _refuse("socket", family)
            super().__init__(family, type, proto, fileno)

    monkeypatch.setattr(socket, "socket", _NoSocket)
    monkeypatch.setattr(socket, "create_connection", _refuse)
    monkeypatch.setattr(socket, "getaddrinfo", _refuse)
    monkeypatch.setattr(socket.socket, "connect", _refuse, raising=False)


def test_blocking_works(no_network):
    with pytest.raises(_NetworkUsed):
        socket.create_connection(("example.org", 80), timeout=1)
    with pytest.raises(_NetworkUsed):
        socket.socket(socket.AF_INET, socket.SOCK_STREAM)


def test_every_table_and_helper_offline(no_network):
    a = newsframe.analyze(config.DEFAULT_SEED)
    names = a.table_names()
    assert {"documents", "paragraphs", "sentences", "tokens"} <= set(names)
    for name in names:  # teammates' tables are picked up as they register builders
        frame = a.table(name)
        assert frame is not None, name
    explore.term_frequencies(a.tokens)
    explore.term_frequencies(a.tokens, by="stem")
    explore.ngrams(a.tokens, n=2)
    explore.collocations(a.tokens, measure="pmi")
    explore.collocations(a.tokens, measure="llr")
    explore.kwic(a.documents, a.tokens, "talks")
    explore.dispersion(a.tokens, ["Putin", "Zelensky"])
    explore.readability(a.sentences, a.tokens)
    explore.lexical_diversity(a.tokens)


def test_overview_plots_offline(no_network):
    from newsframe import plots

    a = newsframe.analyze(config.DEFAULT_SEED)
    for fig in (plots.plot_term_frequencies(explore.term_frequencies(a.tokens)),
                plots.plot_dispersion(explore.dispersion(a.tokens, ["Putin", "Zelensky", "ceasefire"])),
                plots.plot_sentence_lengths(a.sentences)):
        assert fig.to_html(include_plotlyjs=True, full_html=False)  # plotly.js inlined, not fetched
