# The two commands of the README:
#   make lab   - set up .venv and open JupyterLab on the notebooks, with the sample project
#   make test  - set up .venv with the test extras; check the house rules (ruff, the import layers),
#                run every docstring example of the package, then every test (notebooks too)
# And for those who work on the workbench:
#   make lint  - only the house rules: ruff and import-linter (the layers contract in pyproject.toml)
#   make hub   - a workshop JupyterHub on this machine (deploy/jupyterhub/, docs/workshops.md):
#                WORKSHOP_CODE=tuesday-group-7 make hub   (participants log in with a name and that code)
#   make app   - the whole workbench as a page without code (Voila), on a copy of the sample project:
#                CODER=ana make app   (or PROJECT=path/to/project CODER=ana APP_PORT=8866 make app)
#   make bench - every speed figure (benchmarks/README.md); long
#   make docs  - the API reference, built from the docstrings into build/api/ (open build/api/index.html)
# Needs only Python >= 3.11 and make. Browser tests use Debian's chromium when present.

PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
PORT   ?= 8888
# JupyterLab refuses to run as root unless told; a container or a fresh VM often is root
ROOT_OK := $(if $(filter 0,$(shell id -u)),--allow-root,)

.PHONY: lab test lint docs bench clean hub app

$(BIN)/python:
	$(PYTHON) -c 'import sys; sys.exit("Python >= 3.11 is needed, found " + sys.version.split()[0]) if sys.version_info < (3, 11) else None'
	$(PYTHON) -m venv $(VENV)

$(VENV)/.lab-installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e ".[lab]"
	touch $@

$(VENV)/.test-installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e ".[test,lab]"
	touch $@ $(VENV)/.lab-installed

# .lab/jupyter_lab_config.py says how (the browser test starts Lab from it too): the URL printed opens
# notebooks/01_start_here.ipynb, the file browser shows the notebooks and docs/ (notebooks/docs links to it),
# no news or update dialogs
lab: $(VENV)/.lab-installed
	$(BIN)/jupyter lab --config=.lab/jupyter_lab_config.py --port=$(PORT) $(ROOT_OK)

# JupyterHub from PyPI, configurable-http-proxy from npm into .venv/proxy (where the hub's config looks);
# the proxy's version 5 needs node >= 20, Debian 12's node 18 gets version 4.
$(VENV)/.hub-installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e ".[hub]"
	npm install --prefix $(VENV)/proxy --no-audit --no-fund \
		configurable-http-proxy@$$(node -p 'process.versions.node.split(".")[0] >= 20 ? 5 : 4')
	touch $@

hub: $(VENV)/.hub-installed
	$(BIN)/jupyterhub -f deploy/jupyterhub/jupyterhub_config.py

$(VENV)/.app-installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e ".[app]"
	touch $@

APP_PROJECT ?= $(or $(PROJECT),my-sample-project)
CODER ?= $(USER)
app: $(VENV)/.app-installed
	test -e $(APP_PROJECT) || $(BIN)/python -c 'import workbench as wb; wb.sample_project(copy_to="$(APP_PROJECT)")'
	$(BIN)/workbench app $(APP_PROJECT) --coder $(CODER) --port $(or $(APP_PORT),8866)

# Every speed figure of benchmarks/README.md, one script after another. Long: the scale projects are built
# once (a minute for 1M codings, several for 3M), and the workshop hub's run takes minutes.
$(VENV)/.bench-installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e ".[test,lab,bench]"
	touch $@

bench: $(VENV)/.bench-installed
	set -e; for script in benchmarks/bench*.py; do echo "== $$script"; $(BIN)/python $$script; done

$(VENV)/.docs-installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e ".[docs]"
	touch $@

lint: $(VENV)/.test-installed
	$(BIN)/ruff check workbench tests benchmarks
	PYTHONPATH=$(CURDIR) $(BIN)/lint-imports

# The docstring examples run apart from the tests: --doctest-modules would import every .py under
# tests/ too, and some of those are scripts the tests start in their own processes.
# The notebooks run from a clean copy in a throw-away folder (tests/notebooks/check_notebooks.py), with their
# learner projects and practice workshops there too: never a learner's folder, a live workshop or a participant's page.
test: lint
	$(BIN)/python -m pytest workbench --doctest-modules -p no:cacheprovider
	$(BIN)/python -m pytest tests -p no:cacheprovider
	$(BIN)/python tests/notebooks/check_notebooks.py

# Every public module, however deep: a package's __all__ alone would leave out those it does not re-export.
API_MODULES = $(shell $(BIN)/python -c 'import pkgutil, workbench; print(" ".join(m.name for m in \
	pkgutil.walk_packages(workbench.__path__, "workbench.") if "._" not in m.name))')

# Offline: pdoc writes plain HTML and its own search index, nothing is fetched from the web.
# (Modules reached twice, as listed and through their package, are documented once; pdoc's notice is hushed.)
docs: $(VENV)/.docs-installed
	rm -rf build/api
	$(BIN)/python -W "ignore:The module specification" -m pdoc --docformat numpy \
		--footer-text "narrative workbench" -o build/api workbench $(API_MODULES)
	@echo "The API reference is in build/api/index.html"

clean:
	rm -rf $(VENV) .pytest_cache test-artifacts build/api
