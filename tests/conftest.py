"""Shared fixtures: the seed analysed once per test session."""
import pytest

import newsframe
from newsframe import config


@pytest.fixture(scope="session")
def seed_analysis():
    """The bundled article, analysed with default options."""
    return newsframe.analyze(config.DEFAULT_SEED)


@pytest.fixture(scope="session")
def seed_text(seed_analysis):
    return seed_analysis.documents.text.iloc[0]
