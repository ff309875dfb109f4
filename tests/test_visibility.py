"""Which layers a person sees, and how faintly: the rule without Qt (app.core.visibility)."""

from app.core.vocabulary import GOLD_LAYER, MODEL_LAYER
from app.core.visibility import LayerView


def test_an_annotator_sees_their_own_layer_and_the_models_in_full():
    view = LayerView("ana", reviewer=False)
    assert view.visible("ana") and view.visible(MODEL_LAYER)
    assert not view.faint("ana") and not view.faint(MODEL_LAYER)
    assert not view.visible("ben") and not view.visible(GOLD_LAYER)


def test_an_annotator_who_asks_sees_the_others_faintly():
    view = LayerView("ana", reviewer=False, show_others=True)
    assert view.visible("ben") and view.faint("ben")
    assert view.visible(GOLD_LAYER) and view.faint(GOLD_LAYER)
    assert not view.faint("ana")


def test_a_reviewer_sees_every_layer_in_full():
    view = LayerView("rita", reviewer=True)
    assert all(view.visible(layer) for layer in ("rita", "ben", GOLD_LAYER, MODEL_LAYER))
    assert not any(view.faint(layer) for layer in ("rita", "ben", GOLD_LAYER, MODEL_LAYER))


def test_adjudicating_draws_the_people_faint_and_gold_in_full():
    view = LayerView("rita", reviewer=True, adjudicating=True)
    assert view.faint("ben") and view.faint("rita")
    assert not view.faint(GOLD_LAYER) and not view.faint(MODEL_LAYER)
