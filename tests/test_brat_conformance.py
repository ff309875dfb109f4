"""brat exports checked by brat's rules (tests/brat_rules.py), not by NewsGloss's own brat reader."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from app.core.interchange import Selection
from app.core.suggesting import suggest_articles
from app.core.transfer import export_path, import_paths
from app.nlp.engine import SuggestionEngine
from brat_rules import check_folder
from conftest import INTEROP

EVERY_STATUS = Selection(statuses=frozenset({"accepted", "suggested", "rejected"}))
PROVENANCE = re.compile(r"(\S+=\S*)( \S+=\S*)*")  # NewsGloss's who-did-what note, not a person's


def write(folder: Path, files: dict[str, str]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder


CONF = "[entities]\nGPE\nPERSON\n[relations]\n[events]\nClaim\tClaimant:PERSON\n[attributes]\n"
TEXT = "Carney in Ottawa said so.\n"


@pytest.mark.parametrize("ann, conf, problem", [
    ("T1\tPERSON 0 6\tCarney\nT2\tClaim 17 21\tsaid\nE1\tClaim:T2 Claimant:T1\n#1\tAnnotatorNotes T2\tx\n",
     CONF, "trigger T2 referenced by non-event #1"),
    ("T1\tPERSON 0 6\tCarney\nT2\tGPE 10 16\tOttawa\nR1\tNear Arg1:T1 Arg2:T2\n",
     CONF.replace("[events]\n", "[events]\nNear\tArg1*:PERSON, Arg2*:GPE\n"),
     "arguments ending with a digit cannot be repeated: 'Arg1*'"),
    ("T1\tPERSON 0 16\tCarney in Ottawa\nT2\tGPE 10 16\tOttawa\n", CONF, "PERSON T1 and GPE T2 overlap (contain)"),
    ("T1\tPERSON 0 6\tCarney\nE1\tClaim:T1 Claimant:T1\n", CONF, "trigger T1 of E1 is not a T of type Claim"),
    ("T1\tPERSON 0 6\tCarny\n", CONF, "text 'Carny' is not the .txt's"),
    ("T1\tPERSON 0 6\tCarney\nA1\tNegation T9\n", CONF, "A1 names T9, which is not defined"),
])
def test_the_rules_find_what_brat_refuses(tmp_path, ann, conf, problem):
    folder = write(tmp_path / "b", {"d.txt": TEXT, "d.ann": ann, "annotation.conf": conf})
    assert any(problem in line for line in check_folder(folder)), check_folder(folder)


@pytest.mark.parametrize("name", ["brat", "brat-extra"])
def test_the_brat_fixtures_follow_the_rules(name):
    assert check_folder(INTEROP / name) == []


def details(folder: Path) -> dict[str, set[tuple]]:
    """Per .ann, what brat says about text-bound annotations: each T (type, offsets, text) that no event
    uses as trigger, and the A, N and note lines on them, by the T's offsets; NewsGloss's own notes left out."""
    found = {}
    for ann in sorted(folder.glob("*.ann")):
        lines = [line.split("\t") for line in ann.read_text(encoding="utf-8").splitlines()]
        triggers = {fields[1].split()[0].partition(":")[2] for fields in lines if fields[0][0] == "E"}
        place = {f[0]: tuple(f[1].split()[1:]) for f in lines if f[0][0] == "T"}
        items = {("T", f[1], f[2]) for f in lines if f[0][0] == "T" and f[0] not in triggers}
        for f in lines:
            words = f[1].split()
            if f[0][0] == "A" and words[1][0] == "T":
                items.add(("A", words[0], place[words[1]], tuple(words[2:])))
            elif f[0][0] == "N":
                items.add(("N", words[0], place[words[1]], words[2], f[2]))
            elif f[0][0] == "#" and words[1][0] == "T" and not PROVENANCE.fullmatch(f[2]):
                items.add(("#", words[0], place[words[1]], f[2]))
        found[ann.name] = items
    return found


def test_a_project_round_trip_keeps_what_brat_said_and_follows_brat_rules(project, tmp_path):
    summary = import_paths(project, "brat", [INTEROP / "brat", INTEROP / "brat-extra"], unknown="add")
    assert summary.skipped == []
    out = tmp_path / "out"
    export_path(project, "brat", out, EVERY_STATUS)
    assert check_folder(out) == []
    before = details(INTEROP / "brat") | details(INTEROP / "brat-extra")
    after = details(out)
    assert after == before  # attributes, normalizations, notes of every type, discontinuous T lines
    assert ("T", "Organization 4 12;25 41", "Canadian trade ministries") in after["span-details.ann"]
    assert ("#", "Lemma", ("17", "41"), "min.") in after["span-details.ann"]
    events = (out / "event-arguments.ann").read_text(encoding="utf-8")
    causes = sorted(line.split("\t")[1].split()[1] for line in events.splitlines() if "\tCause:" in line)
    assert len(causes) == 2 and causes[0] != causes[1]  # one trigger, two events told apart by their event argument


def test_events_told_apart_by_event_arguments_are_not_added_twice(project):
    first = import_paths(project, "brat", [INTEROP / "brat-extra"], unknown="add")
    assert (first.spans, first.frames) == (8, 5)  # Cause E1 and E2 share trigger T4: two frames
    again = import_paths(project, "brat", [INTEROP / "brat-extra"], unknown="add")
    assert (again.spans, again.frames) == (0, 0)


def test_what_an_import_cannot_hold_is_listed_not_dropped(project, tmp_path):
    folder = write(tmp_path / "b", {"d.txt": TEXT, "d.ann": (
        "T1\tPERSON 0 6\tCarney\nT2\tGPE 10 16\tOttawa\nR1\tNear Arg1:T1 Arg2:T2\n"
        "N1\tReference R1 Wikidata:Q1\tnear\n#1\tAnnotatorNotes N1\ta note on a normalization\n")})
    skipped = import_paths(project, "brat", [folder], unknown="add").skipped
    assert len(skipped) == 2
    assert "d.ann line 4: N1 Reference R1 Wikidata:Q1" in skipped[0] and "d.ann line 5: #1" in skipped[1]


def test_the_export_after_suggest_on_the_sample_follows_brat_rules(sample_project, tmp_path):
    engine = SuggestionEngine(sample_project.schema)
    list(suggest_articles(sample_project, engine, sample_project.article_ids()))
    out = tmp_path / "out"
    export_path(sample_project, "brat", out, EVERY_STATUS)
    ann = next(out.glob("*.ann")).read_text(encoding="utf-8")
    assert "\tClaim:" in ann and "\tTariff_fact:" in ann  # claims and tariff facts are there to check
    assert check_folder(out) == []
