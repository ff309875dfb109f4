"""Which model suggests: one rule for the window and the command line (app.core.model_choice)."""

from app.core.locations import DEFAULT_MODEL, ENV_MODEL
from app.core.model_choice import chosen_model, resolved_model


def test_the_option_beats_the_environment_which_beats_the_setting(monkeypatch):
    monkeypatch.setenv(ENV_MODEL, "from_env")
    assert chosen_model("from_option", setting="from_settings") == "from_option"
    assert chosen_model(setting="from_settings") == "from_env"
    monkeypatch.delenv(ENV_MODEL)
    assert chosen_model(setting="from_settings") == "from_settings"
    assert chosen_model() == DEFAULT_MODEL


def test_a_model_registered_in_the_project_resolves_to_its_folder(monkeypatch, tmp_path):
    monkeypatch.delenv(ENV_MODEL, raising=False)

    class Registry:  # a project's resolve_model, for one registered name
        def resolve_model(self, name):
            return str(tmp_path / name) if name == "mine" else name

    assert resolved_model(Registry(), setting="mine") == str(tmp_path / "mine")
    assert resolved_model(Registry()) == DEFAULT_MODEL
