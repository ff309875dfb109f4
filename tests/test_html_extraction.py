"""HTML import never keeps less than trafilatura's own default extraction of the page (pages written here),
and its dependencies import from a plain install."""

from __future__ import annotations

import re
from importlib.metadata import requires

import pytest
import trafilatura

from app.formats.html_page import read_html

MENU = "".join(f'<li><a href="/{i}">{name}</a></li>' for i, name in enumerate(
    ["Speyer", "Region Speyer", "Ludwigshafen", "Frankenthal", "Schifferstadt", "Neustadt", "Landau", "Worms",
     "Sport", "Kultur", "Wirtschaft", "Politik"]))
PARAGRAPHS = [
    "Farmers around Speyer fear the new tariff on asparagus exports to the United States, which takes effect next month.",
    "A grower from Otterstadt said the twenty percent surcharge would make sales to American traders barely worth the "
    "effort, since freight has become dearer too.",
    "The farmers' association said it would ask the state agriculture ministry in Mainz for help if exports fall "
    "sharply this season.",
]

# The whole article inside an <aside>, as some regional news sites lay their pages out.
ASIDE_PAGE = f"""<!DOCTYPE html><html><head><meta charset="utf-8"><title>Asparagus growers fear tariff</title></head>
<body><aside class="search"><form><input name="q"></form></aside>
<header><ul class="menu">{MENU}</ul></header>
<main class="content"><aside class="pa direct-content"><section class="ar ar-detail">
<h1 class="ar-headline">Asparagus growers fear tariff</h1>
<div class="ar-text">{"".join(f"<p>{p}</p>" for p in PARAGRAPHS)}</div>
</section></aside>
<aside class="newsletter">Get our newsletter</aside></main>
<footer><a href="/imprint">Imprint</a></footer></body></html>"""

# An article whose class names say "consent" (it is about a consent decree), which a cookie-banner rule matches.
CONSENT_PAGE = f"""<!DOCTYPE html><html><head><meta charset="utf-8"><title>Steel importers settle</title></head>
<body><nav><ul>{MENU}</ul></nav>
<div class="story consent-decree-coverage">
<h1>Steel importers settle customs case</h1>
<p>Three steel importers agreed to a consent decree with customs officials on Tuesday, ending a dispute over unpaid
duties on Chinese coils that had run for two years.</p>
<p>Under the settlement the companies will pay back duties of four million dollars and submit their shipping records
for inspection until the end of next year.</p>
<p>A lawyer for one importer said the firms admitted no wrongdoing and had settled to avoid the cost of a trial.</p>
</div>
<footer>Imprint</footer></body></html>"""


# The headline and lead paragraph in a <header> outside any <article>, which the furniture rules remove.
LEAD_PAGE = f"""<!DOCTYPE html><html><head><meta charset="utf-8"><title>Asparagus</title></head>
<body><nav><ul>{MENU}</ul></nav>
<div class="story"><header class="story-head"><h1>Asparagus growers fear tariff</h1><p class="lead">{PARAGRAPHS[0]}</p>
</header><div class="story-body"><p>{PARAGRAPHS[1]}</p><p>{PARAGRAPHS[2]}</p></div></div>
<footer>Imprint</footer></body></html>"""


def default_lines(page: str) -> list[str]:
    """The lines of trafilatura's own default extraction, whitespace collapsed."""
    return [" ".join(line.split()) for line in trafilatura.extract(page).split("\n") if line.strip()]


@pytest.mark.parametrize("page", [ASIDE_PAGE, CONSENT_PAGE, LEAD_PAGE],
                         ids=["article-in-aside", "consent-in-class", "lead-in-header"])
def test_html_import_keeps_at_least_what_trafilatura_keeps(tmp_path, page):
    path = tmp_path / "page.html"
    path.write_text(page, encoding="utf-8")
    [draft] = read_html(path)
    ours = [" ".join(line.split()) for line in draft.text.split("\n")]
    floor = default_lines(page)
    assert len(" ".join(floor)) > 250  # the article, not a menu
    assert [line for line in floor if line not in ours] == []
    assert not re.search(r"Ludwigshafen|Imprint|newsletter", draft.text)


def test_the_article_inside_an_aside_is_the_text(tmp_path):
    path = tmp_path / "aside.html"
    path.write_text(ASIDE_PAGE, encoding="utf-8")
    [draft] = read_html(path)
    assert draft.text.split("\n")[-2:] == PARAGRAPHS[1:]
    assert draft.title == "Asparagus growers fear tariff"


def test_the_html_cleaner_is_a_declared_dependency_and_imports():
    from lxml.html.clean import Cleaner  # what jusText, which trafilatura calls, imports

    assert Cleaner is not None
    import justext  # noqa: F401  (failed with "lxml.html.clean module is now a separate project")

    declared = [re.split(r"[<>=\[; ]", requirement)[0].lower().replace("-", "_") for requirement in requires("newsgloss")]
    assert "lxml_html_clean" in declared


def test_the_lead_paragraph_in_a_header_is_kept(tmp_path):
    path = tmp_path / "lead.html"
    path.write_text(LEAD_PAGE, encoding="utf-8")
    [draft] = read_html(path)
    assert draft.text.split("\n") == ["Asparagus growers fear tariff", *PARAGRAPHS]
