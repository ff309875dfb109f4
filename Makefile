# Two commands do all the set-up on a fresh machine:
#   make run    creates .venv, installs NewsGloss, opens the app on the sample project
#   make test   creates .venv, installs NewsGloss with its test tools, runs the tests
PYTHON ?= python3
VENV   ?= .venv
BIN     = $(VENV)/bin

.PHONY: setup run lint typecheck test bench clean

$(BIN)/newsgloss: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip "setuptools>=69" wheel
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	touch $@

setup: $(BIN)/newsgloss

run: setup
	$(BIN)/newsgloss gui

# The layers (Qt only in app/gui, the store at the bottom; pyproject.toml [tool.importlinter]), ruff,
# mypy over core/store/formats/nlp and the house limits (tests/house_limits.py)
lint: setup
	$(BIN)/lint-imports --no-cache
	$(BIN)/ruff check app tests
	$(BIN)/mypy
	$(BIN)/python -m tests.house_limits

# mypy alone over core, store, formats and nlp ([tool.mypy] in pyproject.toml)
typecheck: setup
	$(BIN)/mypy

test: lint
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m pytest $(PYTEST_ARGS)

# Benchmarks against baselines; BENCH_ARGS=--quick for the small run, see README.md
bench: setup
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m tests.bench $(BENCH_ARGS)

clean:
	rm -rf $(VENV) build dist *.egg-info .pytest_cache
