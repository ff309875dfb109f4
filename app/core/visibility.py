"""Which annotation layers a person sees, and which of those only faintly, for reference.

A reviewer sees every layer; an annotator sees their own and the model's, and the others' only
when they ask for them (drawn faintly). While a reviewer adjudicates, the people's layers are
faint and the gold and model layers drawn in full.
"""

from __future__ import annotations

from dataclasses import dataclass

from app.core.vocabulary import GOLD_LAYER, MODEL_LAYER


@dataclass
class LayerView:
    person: str
    reviewer: bool
    show_others: bool = False  # an annotator's choice to see other people's layers
    adjudicating: bool = False  # a reviewer's view: people's layers faint, gold in full

    def visible(self, layer: str) -> bool:
        return self.reviewer or self.show_others or layer in (self.person, MODEL_LAYER)

    def faint(self, layer: str) -> bool:
        """Whether a visible layer is shown for reference only."""
        if self.adjudicating:
            return layer not in (GOLD_LAYER, MODEL_LAYER)
        return not self.reviewer and layer not in (self.person, MODEL_LAYER)
