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


def require(available: bool, reason: str) -> None:
    """Skip a test whose tool is missing on a developer's machine; in CI (``CI=true``) fail instead, so that
    a missing browser or model can never leave the run green with the tests that need it skipped."""
    import os

    if available:
        return
    if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
        pytest.fail(f"required in CI: {reason}", pytrace=False)
    pytest.skip(reason)


def needs(available: bool, reason: str):
    """A ``skipif`` mark for a missing tool, except in CI, where the test runs (and fails) regardless."""
    import os

    in_ci = os.environ.get("CI", "").lower() in ("1", "true", "yes")
    return pytest.mark.skipif(not available and not in_ci, reason=reason)
