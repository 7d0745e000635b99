# Two commands for a newcomer: `make run` and `make test`.
# Both create .venv and install Picture Desk into it (editable) first.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: run test bench clean demo dist screenshots

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	$(BIN)/python -m compileall -q archive desktop   # as a wheel install would (PYTHONDONTWRITEBYTECODE may be set)
	touch $(STAMP)

run: $(STAMP)
	$(BIN)/picturedesk demo     # builds the demo archive and opens the window on it

test: $(STAMP)
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m pytest -n 2 -q

bench: $(STAMP)
	$(BIN)/python bench/search.py
	$(BIN)/python bench/ingest.py

# The README's pictures of the window (offscreen; --all adds every dialog, --scale 2 the 200% ones).
screenshots: $(STAMP)
	$(BIN)/python bench/screenshots.py --out docs/screenshots

# The one-folder app (PyInstaller, build.spec): dist/picturedesk/picturedesk.  Not part of `make test`.
dist: $(STAMP)
	$(BIN)/python -m pip install --quiet -e '.[dist]'
	$(BIN)/pyinstaller --noconfirm build.spec
	d=$$(mktemp -d) && QT_QPA_PLATFORM=offscreen dist/picturedesk/picturedesk demo --archive $$d/demo --smoke-test; \
		status=$$?; rm -rf $$d; exit $$status
	du -sh dist/picturedesk

clean:
	rm -rf $(VENV) build dist *.egg-info .pytest_cache
