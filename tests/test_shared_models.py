"""Models trained on a shared project are stored in it: every member can suggest with them."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from sqlalchemy import create_engine, insert

from app.core import model_archive
from app.core.articles import ArticleDraft
from app.core.errors import ValidationError
from app.core.locations import DEFAULT_MODEL
from app.core.project import Project
from app.store.models import TrainedModel
from test_training import corpus

METRICS = {"trained": {}, "base": {}}


@pytest.mark.slow
def test_a_model_alice_trains_is_used_by_bob_from_his_own_cache(backend_url, tmp_path, monkeypatch):
    import spacy

    from app.nlp.training import train_model

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "alice-cache"))
    with Project.open(backend_url, "alice", create=True) as alice:
        docs = corpus(30, seed=5)
        report = alice.add_articles([ArticleDraft(text=t, title=f"a{i}", origin="gen")
                                     for i, (t, _) in enumerate(docs)])
        for (article_id, _), (_, spans) in zip(report.added, docs):
            for start, end, label in spans:
                alice.add_span(article_id, start, end, label)
        result = train_model(alice, tmp_path / "alice-models", base=DEFAULT_MODEL, epochs=2, name="tariffs-v1")
    shutil.rmtree(tmp_path / "alice-models")  # bob's machine has none of alice's folders

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "bob-cache"))
    with Project.open(backend_url, "bob") as bob:
        (listed,) = bob.models()
        assert listed["name"] == "tariffs-v1" and listed["trained_by"] == "alice"
        assert 1_000_000 < listed["stored_size"] < model_archive.MAX_ARCHIVE_BYTES
        folder = Path(bob.resolve_model("tariffs-v1"))
        assert folder.is_relative_to(tmp_path / "bob-cache") and folder != result.path
        nlp = spacy.load(folder)
        assert "TARIFF" in nlp.get_pipe("ner").labels and "parser" in nlp.pipe_names
        assert nlp.meta["name"] == "newsgloss_tariffs_v1"
        stamp = os.stat(folder / "meta.json").st_mtime_ns
        assert bob.resolve_model("tariffs-v1") == str(folder)  # unpacked once, then reused
        assert os.stat(folder / "meta.json").st_mtime_ns == stamp
        assert bob.resolve_model(DEFAULT_MODEL) == DEFAULT_MODEL


def test_a_model_too_large_for_the_project_is_refused_with_a_message(any_project, tmp_path, monkeypatch):
    monkeypatch.setattr(model_archive, "MAX_ARCHIVE_BYTES", 1024 * 1024)
    folder = tmp_path / "huge"
    folder.mkdir()
    (folder / "weights.bin").write_bytes(os.urandom(2 * 1024 * 1024))  # random bytes do not compress
    with pytest.raises(ValidationError, match=r"model 'huge' is more than 1 MB packed, the most a project "
                                              r"stores for one model; it was not registered \(it stays in "):
        any_project.register_model("huge", str(folder), DEFAULT_MODEL, {"ner": []}, METRICS)
    assert any_project.models() == []
    assert any_project.resolve_model("huge") == "huge"


def test_a_model_registered_before_models_were_stored_is_found_at_its_path(backend_url, tmp_path):
    local = tmp_path / "p.models" / "old"
    with Project.open(backend_url, "alice", create=True) as project:
        engine = create_engine(backend_url)
        with engine.begin() as conn:  # as a project upgraded from revision 0005 holds it: no archive
            conn.execute(insert(TrainedModel.__table__).values(
                name="old", path=str(local), base=DEFAULT_MODEL, labels={}, metrics={}, trained_by="alice"))
        engine.dispose()
        assert project.resolve_model("old") == str(local)
        assert project.models()[0]["stored_size"] is None


def test_a_damaged_archive_is_refused(tmp_path):
    folder = tmp_path / "m"
    folder.mkdir()
    (folder / "meta.json").write_text("{}")
    data, checksum = model_archive.pack(folder, "m")
    with pytest.raises(ValidationError, match="damaged"):
        model_archive.unpack(data[:-10] + b"0" * 10, checksum, tmp_path / "cache" / "1-x")
    assert not (tmp_path / "cache" / "1-x").exists()
    assert (model_archive.unpack(data, checksum, tmp_path / "cache" / "1-y") / "meta.json").read_text() == "{}"
