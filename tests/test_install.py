"""A non-editable install works outside the checkout: lexicons, models, notebooks and the seed are package data.

Builds the wheel from this checkout (no build isolation, so nothing is downloaded), installs it into a fresh
virtual environment that borrows only the third-party dependencies of the running one, and analyses the
bundled seed from a folder outside the checkout.
"""
import subprocess
import sys
import sysconfig
import textwrap
import venv
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def installed_python(tmp_path_factory) -> Path:
    dist = tmp_path_factory.mktemp("dist")
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--no-build-isolation",
                    "--wheel-dir", str(dist), str(ROOT)], check=True, cwd=dist)
    wheel = next(dist.glob("newsframe-*.whl"))
    env_dir = tmp_path_factory.mktemp("venv")
    venv.create(env_dir, with_pip=False)
    python = env_dir / "bin" / "python"
    site = Path(subprocess.run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                               check=True, capture_output=True, text=True).stdout.strip())
    # Third-party packages come from the running environment; newsframe's own editable hook does not (a
    # plain path line in a .pth file does not run the .pth files of that folder).
    (site / "borrowed_dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    subprocess.run([sys.executable, "-m", "pip", "--python", str(python), "install", "--quiet", "--no-deps",
                    "--no-index", str(wheel)], check=True)
    return python


def test_wheel_holds_the_resources(installed_python):
    code = textwrap.dedent("""
        import newsframe, newsframe.config as c
        print(newsframe.__file__)
        for p in (c.ACTORS_PATH, c.FRAMES_POLICY_PATH, c.MODELS_DIR / "toward_minilm.json", c.SEED_GOLD_PATH,
                  c.DEFAULT_SEED, c.NOTEBOOKS_DIR / "01_overview.ipynb", c.TEMPLATES_DIR / "newsframe_report"):
            print(p, p.exists())
    """)
    out = subprocess.run([str(installed_python), "-c", code], check=True, capture_output=True, text=True,
                         cwd=installed_python.parents[1]).stdout.splitlines()
    assert str(ROOT) not in out[0] and "site-packages" in out[0], out[0]
    missing = [line for line in out[1:] if not line.endswith("True")]
    assert not missing, missing
    assert all(str(ROOT) not in line for line in out[1:]), out


def test_installed_package_analyses_the_seed_outside_the_checkout(installed_python, tmp_path):
    code = textwrap.dedent("""
        import newsframe
        from newsframe import config
        a = newsframe.analyze(config.DEFAULT_SEED)
        print(len(a.sentences), a.mentions["actor_id"].nunique() > 5, a.frames_policy["present"].sum() >= 1)
    """)
    out = subprocess.run([str(installed_python), "-c", code], check=True, capture_output=True, text=True,
                         cwd=tmp_path).stdout.split()
    assert out == ["24", "True", "True"]


def test_installed_command_writes_tables(installed_python, tmp_path):
    cli = installed_python.parent / "newsframe"
    article = tmp_path / "a.txt"
    article.write_text("Zelensky met Macron in Paris. They discussed the ceasefire.\n", encoding="utf-8")
    done = subprocess.run([str(cli), "tables", str(article), "--out", str(tmp_path / "out"), "--tables",
                           "sentences", "mentions"], capture_output=True, text=True, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "out" / "mentions.csv").read_text(encoding="utf-8").count("\n") >= 3
