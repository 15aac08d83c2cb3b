# Two commands for a newcomer: `make play` and `make test`.
PYTHON ?= python3.11
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: play test lint types pytest screenshots clean

$(BIN)/python:
	@command -v $(PYTHON) >/dev/null 2>&1 || { echo "Python 3.11 is needed ($(PYTHON) not found); set PYTHON=..." >&2; exit 1; }
	$(PYTHON) -m venv $(VENV)

$(STAMP): $(BIN)/python pyproject.toml
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	@touch $(STAMP)

play: $(STAMP)
	$(BIN)/divest solo

test: lint types pytest

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

types: $(STAMP)
	$(BIN)/mypy game server divest tests benchmarks

pytest: $(STAMP)
	$(BIN)/pytest

# The pictures in README.md and docs/screenshots/, drawn from seeded bot games.
SHOT := SDL_VIDEODRIVER=dummy SDL_AUDIODRIVER=dummy $(BIN)/divest screenshot --seed 4
screenshots: $(STAMP)
	for seat in white_house cfius bytedance microsoft investors; do \
		$(SHOT) --round 3 --seat $$seat --out docs/screenshots/table_$$seat.png; done
	$(SHOT) --round 2 --seat microsoft --screen composer --out docs/screenshots/composer.png
	$(SHOT) --round 2 --seat cfius --screen brief --out docs/screenshots/brief.png
	$(SHOT) --seat bytedance --screen end --out docs/screenshots/end.png
	$(SHOT) --seat microsoft --screen lobby --discovered 1 --out docs/screenshots/lobby.png

clean:
	rm -rf $(VENV) build *.egg-info .mypy_cache .pytest_cache .ruff_cache
