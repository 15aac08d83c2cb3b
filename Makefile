# Two commands for a newcomer: `make play` and `make test`.
#
# The Python that builds .venv: PYTHON=... if given, else the first of these that runs and is
# 3.11 or newer (python3 first, so a machine's default wins; then the newest installed).
# .venv remembers the Python that made it, and is made again when that changes.
PYTHON_CANDIDATES := python3 python3.13 python3.12 python3.11 python
PYTHON_OK := import sys; sys.exit(sys.version_info < (3, 11))
ifeq ($(origin PYTHON), undefined)
PYTHON := $(shell for p in $(PYTHON_CANDIDATES); do $$p -c '$(PYTHON_OK)' >/dev/null 2>&1 && { echo $$p; break; }; done)
endif

VENV    := .venv
BIN     := $(VENV)/bin
MADE_BY := $(VENV)/.made-by
STAMP   := $(VENV)/.installed
LOCK    := requirements.lock
UV      := uv==0.13.9

.PHONY: play test lint types pytest lock screenshots console-screenshots clean FORCE

# Which Python, said once; refused, with what to do, when it is missing or older than 3.11.
# Rewritten only when it changes, so the install below runs again only then.
$(MADE_BY): FORCE
	@if [ -z "$(PYTHON)" ]; then \
		found=$$(for p in $(PYTHON_CANDIDATES); do $$p -c 'import sys; print(sys.executable, "is Python", sys.version.split()[0])' 2>/dev/null && break; done); \
		echo "Divestiture needs Python 3.11 or newer, and none was found on PATH ($${found:-no python3 at all})." >&2; \
		echo "Install Python 3.11, 3.12 or 3.13 (python.org, or your package manager), then run make again;" >&2; \
		echo "or name one: make $(MAKECMDGOALS) PYTHON=/path/to/python3.12" >&2; exit 1; fi
	@id=$$($(PYTHON) -c 'import sys; print(sys.version.split()[0], sys.base_prefix)' 2>/dev/null) || { \
		echo "PYTHON=$(PYTHON) does not run. Name a Python 3.11 or newer: make PYTHON=/path/to/python3.12" >&2; exit 1; }; \
	$(PYTHON) -c '$(PYTHON_OK)' || { \
		echo "PYTHON=$(PYTHON) is Python $${id%% *}; Divestiture needs 3.11 or newer. Install one and run make again, or name it: make $(MAKECMDGOALS) PYTHON=/path/to/python3.12" >&2; exit 1; }; \
	if [ "$$id" != "$$(cat $@ 2>/dev/null)" ]; then \
		if [ -d $(VENV) ]; then echo "$(VENV) was made by another Python; making it again with $(PYTHON) ($${id%% *})"; \
		else echo "making $(VENV) with $(PYTHON) (Python $${id%% *})"; fi; \
		rm -rf $(VENV); \
		$(PYTHON) -m venv $(VENV) || { rm -rf $(VENV); \
			echo "$(PYTHON) could not make a virtual environment (on Debian or Ubuntu: apt install python3-venv)" >&2; exit 1; }; \
		echo "$$id" > $@; fi

# Exact versions from the lock file, so a dependency's new release cannot change a class's game.
$(STAMP): $(MADE_BY) pyproject.toml $(LOCK)
	$(BIN)/python -m pip install --quiet --upgrade 'pip>=25'
	$(BIN)/python -m pip install --quiet -r $(LOCK) -e .
	@touch $(STAMP)

play: $(STAMP)
	$(BIN)/divest solo

test: lint types pytest

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

types: $(STAMP)
	$(BIN)/mypy src tests benchmarks tools

pytest: $(STAMP)
	$(BIN)/pytest

# The lock file again, from pyproject.toml's ranges: one set of versions for every platform
# (Windows and macOS markers included) and every Python from 3.11.
lock: $(MADE_BY)
	$(BIN)/python -m pip install --quiet '$(UV)'
	$(BIN)/uv pip compile pyproject.toml --extra test --universal --python-version 3.11 \
		--custom-compile-command 'make lock' --output-file $(LOCK) --quiet

# The pictures in README.md and docs/screenshots/, drawn from seeded bot games.
SHOT := SDL_VIDEODRIVER=dummy SDL_AUDIODRIVER=dummy $(BIN)/divest screenshot --seed 4
screenshots: $(STAMP)
	for seat in white_house cfius bytedance microsoft investors; do \
		$(SHOT) --round 3 --seat $$seat --out docs/screenshots/table_$$seat.png; done
	$(SHOT) --round 2 --seat microsoft --screen composer --out docs/screenshots/composer.png
	$(SHOT) --round 2 --seat cfius --screen brief --out docs/screenshots/brief.png
	$(SHOT) --seat bytedance --screen end --out docs/screenshots/end.png
	$(SHOT) --seat microsoft --screen lobby --discovered 1 --out docs/screenshots/lobby.png
	$(MAKE) console-screenshots

# The teacher's console in Debian's Chromium (apt install chromium), with a class in play.
console-screenshots: $(STAMP)
	$(BIN)/python tools/console_screenshots.py --out docs/screenshots

clean:
	rm -rf $(VENV) build dist src/*.egg-info .mypy_cache .pytest_cache .ruff_cache

FORCE:
