"""Where a selection goes when it snaps to whole tokens (app.gui.token_snapping), without a view."""

from __future__ import annotations

from app.gui.token_snapping import Tokens

TEXT = "Ottawa imposed tariffs.\nBeijing 👍🏽 replied"
STARTS = [0, TEXT.index("Beijing")]  # the code point where each line starts


def at(word: str) -> tuple[int, int]:
    start = TEXT.index(word)
    return start, start + len(word)


def test_a_selection_snaps_to_whole_tokens_and_keeps_its_direction():
    tokens = Tokens(TEXT, STARTS)
    ottawa, imposed = at("Ottawa"), at("imposed")
    assert tokens.snapped_selection(ottawa[0] + 2, imposed[0] + 3) == (ottawa[0], imposed[1])
    assert tokens.snapped_selection(imposed[0] + 3, ottawa[0] + 2) == (imposed[1], ottawa[0])  # dragged leftwards
    assert tokens.snapped_selection(*ottawa) is None  # already whole
    assert tokens.snapped_selection(ottawa[1], imposed[0] + 1) == imposed  # outer whitespace trimmed


def test_shift_arrows_step_a_token_at_a_time_across_lines_and_never_past_the_anchor():
    tokens = Tokens(TEXT, STARTS)
    dot, beijing, thumb = TEXT.index("."), at("Beijing"), TEXT.index("👍")
    anchor = TEXT.index("tariffs")
    assert tokens.stepped_selection(anchor, anchor, forward=True) == at("tariffs")
    assert tokens.stepped_selection(anchor, at("tariffs")[1], forward=True) == (anchor, dot + 1)
    assert tokens.stepped_selection(anchor, dot + 1, forward=True) == (anchor, beijing[1])  # onto the next line
    assert tokens.stepped_selection(beijing[1], beijing[1], forward=True) == (thumb, thumb + 2)  # 👍 and its tone
    assert tokens.stepped_selection(anchor, at("tariffs")[1], forward=False) == (anchor, anchor)  # back to nothing
    imposed = at("imposed")
    assert tokens.stepped_selection(anchor, anchor, forward=False) == (imposed[1], imposed[0])  # space trimmed
