"""The house-limit check itself: it finds what is too long, and app/ passes it."""

from tests.house_limits import FUNCTION_LINES, oversized


def test_app_keeps_the_house_limits():
    assert oversized() == []


def test_the_check_names_a_function_one_line_too_long(tmp_path):
    app = tmp_path / "app"
    app.mkdir()
    body = "\n".join(f"    x{i} = {i}" for i in range(FUNCTION_LINES - 1))
    (app / "fits.py").write_text(f"def fits():\n{body}\n", encoding="utf-8")
    (app / "big.py").write_text(f"def big():\n{body}\n    return 0\n", encoding="utf-8")
    assert oversized(app) == [f"app/big.py:big (line 1) is {FUNCTION_LINES + 1} lines, over {FUNCTION_LINES}"]
