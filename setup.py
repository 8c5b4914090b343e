"""Packaging beyond what pyproject.toml can say: the top-level data/, notebooks/ and seeds/ folders of the
checkout are installed inside the package (as newsframe/data, newsframe/notebooks, newsframe/seeds), so a
non-editable install or a wheel carries every lexicon, model, notebook and the bundled seed article.
Everything else (name, version, dependencies, entry point) is in pyproject.toml."""
from pathlib import Path

from setuptools import find_namespace_packages, setup

HERE = Path(__file__).parent
# checkout folder -> package that holds it when installed (read through importlib.resources, see config.py)
RESOURCES = {"newsframe.data": "data", "newsframe.notebooks": "notebooks", "newsframe.seeds": "seeds"}

setup(
    packages=find_namespace_packages("lib", include=["newsframe", "newsframe.*"]) + list(RESOURCES),
    package_dir={"": "lib", **RESOURCES},
    package_data={
        "newsframe": ["templates/*/*", "templates/*"],
        "newsframe.data": ["*.csv", "*.md", "*.json", "*/*.csv", "*/*.md", "*/*.json", "*/*.tsv"],
        "newsframe.notebooks": ["*.ipynb", "*.cfg"],
        "newsframe.seeds": ["*.txt", "*.jsonl"],
    },
    include_package_data=False,
    # also where plain `jupyter nbconvert --to html --template newsframe_report` looks for templates
    data_files=[("share/jupyter/nbconvert/templates/newsframe_report",
                 ["lib/newsframe/templates/newsframe_report/conf.json",
                  "lib/newsframe/templates/newsframe_report/index.html.j2"])],
)
