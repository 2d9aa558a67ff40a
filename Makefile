# The two commands of the README:
#   make lab   - set up .venv and open JupyterLab on the notebooks, with the sample project
#   make test  - set up .venv with the test extras and run every test (notebooks too)
# Needs only Python >= 3.11 and make. Browser tests use Debian's chromium when present.

PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
PORT   ?= 8888
# JupyterLab refuses to run as root unless told; a container or a fresh VM often is root
ROOT_OK := $(if $(filter 0,$(shell id -u)),--allow-root,)

.PHONY: lab test bench clean

$(BIN)/python:
	$(PYTHON) -c 'import sys; sys.exit("Python >= 3.11 is needed, found " + sys.version.split()[0]) if sys.version_info < (3, 11) else None'
	$(PYTHON) -m venv $(VENV)

$(VENV)/.lab-installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e ".[lab]"
	touch $@

$(VENV)/.test-installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e ".[test,lab]"
	touch $@ $(VENV)/.lab-installed

lab: $(VENV)/.lab-installed
	cd notebooks && ../$(BIN)/jupyter lab 01_start_here.ipynb --port=$(PORT) $(ROOT_OK) \
		--LabApp.news_url=None --LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate

test: $(VENV)/.test-installed
	$(BIN)/python -m pytest tests notebooks --nbval --nbval-current-env \
		--nbval-sanitize-with=notebooks/sanitize.cfg --nbval-cell-timeout=300 -p no:cacheprovider

bench: $(VENV)/.test-installed
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e ".[bench]"
	for script in benchmarks/bench*.py; do $(BIN)/python $$script || exit 1; done

clean:
	rm -rf $(VENV) .pytest_cache test-artifacts
