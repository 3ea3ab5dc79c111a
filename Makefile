# Neural Networks for Finance, Module 3: the two commands are `make demo` and `make test`.
# Every target creates .venv when it is missing and installs the pinned versions into it.

PYTHON ?= $(shell command -v python3.11 || command -v python3)
PYTHON := $(PYTHON)
# the oldest Python every pin in constraints.txt installs on (requires-python in pyproject.toml)
PYTHON_FLOOR := 3.11
VENV   := .venv
PY     := $(VENV)/bin/python
NBGRADER := $(VENV)/bin/nbgrader
STAMP  := $(VENV)/.installed
ASSIGNMENTS := $(notdir $(wildcard source/[0-9]*))
# COURSE=/path runs a target on another copy of the course (the tests do); default: this one
COURSE ?= $(CURDIR)
# ASSIGNMENT=01_losses and STUDENT=alice narrow every target that acts on submissions (default: all;
# several names: ASSIGNMENT="01_losses 02_gradient_descent"); an unknown name is an error
ASSIGNMENT ?=
STUDENT ?=
SELECTED = $(or $(ASSIGNMENT),$(ASSIGNMENTS))
SELECT = --assignment "$(ASSIGNMENT)" --student "$(STUDENT)"

# The venv's programs come first for every command make runs: nbgrader calls `alembic` from
# PATH to create a gradebook, and JupyterLab starts kernels and nbgrader from it.
export PATH := $(CURDIR)/$(VENV)/bin:$(PATH)

export MPLBACKEND := Agg
export PYTHONDONTWRITEBYTECODE := 1
# tiny matrices: one BLAS thread is much faster than several fighting over two cores
export OPENBLAS_NUM_THREADS := 1
export OMP_NUM_THREADS := 1

.PHONY: setup release check-release grade demo test lint clean help bench \
        lab release-assignment collect feedback release-feedback export check-tokens check-service hub hub-users hub-env hub-stop

help:
	@echo "make demo   - set up, build release/, grade the demo class, print where to look"
	@echo "make test   - set up and run the whole test suite"
	@echo "make lab    - JupyterLab with the formgrader, opened on this course (LAB_ARGS=\"--port 8890\")"
	@echo "The instructor's week (ASSIGNMENT=01_losses, STUDENT=alice narrow each step; default all):"
	@echo "  make release-assignment  - put the student versions into the exchange"
	@echo "  make collect             - copy the students' submissions from the exchange into submitted/"
	@echo "  make grade               - grade every submission (JOBS=N at once; UNSANDBOXED=1 without bubblewrap)"
	@echo "  make feedback            - write feedback/<student>/<assignment>/*.html from the gradebook"
	@echo "  make release-feedback    - put the feedback into the exchange for the students to fetch"
	@echo "  make export              - write grades.csv from the gradebook (after hand grading too)"
	@echo "Check my work (formative checks before the deadline; see README):"
	@echo "  make check-tokens        - a token per student of submitted/ (STUDENTS=\"a b\"; RENEW=1 replaces)"
	@echo "  make check-service       - serve the checks on 127.0.0.1:\$$CHECK_PORT (8765) in the foreground"
	@echo "A class on JupyterHub on this machine (as root; see the README):"
	@echo "  make hub-users  - the system users: HUB_INSTRUCTOR (instructor) and HUB_STUDENTS (2) students"
	@echo "  make hub        - JupyterHub on 127.0.0.1:HUB_PORT (8000), formgrader as a service; Ctrl-C stops it"
	@echo "  make hub-stop   - stop a hub started in another shell (everything it started)"
	@echo "make release / make lint / make clean"
	@echo "make bench  - time plain nbgrader vs our grader on a class of model answers (BENCH_ARGS=\"--students 2\")"

$(PY):
	@found="$$($(PYTHON) -c 'import sys; print("%d.%d.%d" % sys.version_info[:3])' 2>/dev/null)"; \
	if [ -z "$$found" ]; then \
	  echo "make: no Python found (PYTHON=$(PYTHON)): the course needs Python $(PYTHON_FLOOR) or newer;" \
	       "install one (e.g. apt-get install python3) or name it: make setup PYTHON=/path/to/python3" >&2; exit 1; fi; \
	if [ "$$(printf '%s\n' "$(PYTHON_FLOOR)" "$$found" | sort -V | head -n1)" != "$(PYTHON_FLOOR)" ]; then \
	  echo "make: $(PYTHON) is Python $$found, too old: the course needs Python $(PYTHON_FLOOR) or newer" \
	       "(Debian 12's python3.11, Ubuntu 24.04's python3 and Debian 13's python3 all do);" \
	       "name a newer one: make setup PYTHON=/path/to/python3.12" >&2; exit 1; fi
	$(PYTHON) -m venv $(VENV)

$(STAMP): $(PY) constraints.txt pyproject.toml
	$(PY) -m pip install --quiet --upgrade "pip>=24"
	$(PY) -m pip install --quiet -c constraints.txt -e ".[dev]"
	@command -v bwrap >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    echo "installing bubblewrap, the sandbox for student code (apt-get)"; \
	    (apt-get update -qq && apt-get install -y -qq bubblewrap) >/dev/null 2>&1 \
	      || echo "could not install bubblewrap; grading will say what is not isolated"; \
	  fi; }
	@command -v chromium >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    echo "installing chromium, the browser of tests/browser (apt-get)"; \
	    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium) >/dev/null 2>&1 \
	      || echo "could not install chromium; the browser tests will be skipped"; \
	  fi; }
	$(PY) -m nnfin.grading.engine.isolation --install-hint
	@touch $(STAMP)

# MathJax for the pages that show maths (feedback, formgrader), inlined so they need no network;
# pinned (version and integrity) in package-lock.json, installed into node_modules/
MATHJAX_STAMP := node_modules/.installed
$(MATHJAX_STAMP): package.json package-lock.json
	@command -v npm >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    echo "installing npm, which installs MathJax for the course's pages (apt-get)"; \
	    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq npm) >/dev/null 2>&1 || true; \
	  fi; }
	@command -v npm >/dev/null 2>&1 || { echo "make: npm is missing; it installs the MathJax that feedback" \
	  "pages and the formgrader need offline: apt-get install npm (or Node.js with npm), then make setup" >&2; exit 1; }
	npm ci --ignore-scripts --no-audit --no-fund --loglevel=error
	@touch $@

setup: $(STAMP) $(MATHJAX_STAMP)

release: setup
	$(PY) -m nnfin.course release --root "$(COURSE)"

# JOBS=N grades N submissions at once (default: one per core); UNSANDBOXED=1 grades without
# bubblewrap (student code is then NOT isolated; grading refuses otherwise).
# SCHEDULER=tcp://host:8786 grades on that Dask cluster; FORCE=1 regrades submissions whose
# result still holds (by default only new or changed ones are graded).
JOBS ?=
SCHEDULER ?=
GRADE_FLAGS = --jobs "$(JOBS)" $(if $(filter 1 yes true,$(UNSANDBOXED)),--unsandboxed) \
	$(if $(SCHEDULER),--scheduler "$(SCHEDULER)") $(if $(filter 1 yes true,$(FORCE)),--force)

grade: setup
	$(PY) -m nnfin.course grade --root "$(COURSE)" $(GRADE_FLAGS) $(SELECT)

demo: release
	$(PY) -m nnfin.course demo --root "$(COURSE)" $(GRADE_FLAGS)

# JupyterLab with nbgrader's formgrader (Nbgrader > Manage Assignments), serving this course.
LAB_ARGS ?=
lab: setup
	cd "$(COURSE)" && $(CURDIR)/$(VENV)/bin/jupyter lab --ServerApp.root_dir="$(COURSE)" \
	  $(if $(filter 0,$(shell id -u)),--allow-root) $(LAB_ARGS)

# nbgrader's exchange steps run in the course folder, which holds nbgrader_config.py
NBGRADER_EACH = for a in $(SELECTED); do (cd "$(COURSE)" && "$(CURDIR)/$(NBGRADER)" $(1)) || exit 1; done

release-assignment: release
	@$(call NBGRADER_EACH,release_assignment "$$a" --force)

# our own collect (nnfin/grading/collect.py): only a student's own submission, no link followed
collect: setup
	@$(PY) -m nnfin.course known --root "$(COURSE)" --assignment "$(ASSIGNMENT)"
	$(PY) -m nnfin.course collect --root "$(COURSE)" --update $(foreach a,$(SELECTED),--assignment "$(a)") $(if $(STUDENT),--student "$(STUDENT)")

# feedback pages of every graded submission (after grading written answers), one process per core
feedback: setup
	$(PY) -m nnfin.course feedback --root "$(COURSE)" --jobs "$(JOBS)" $(SELECT)

# students who did not hand in through the exchange (the demo class) are skipped, one line each
release-feedback: setup
	$(PY) -m nnfin.course release-feedback --root "$(COURSE)" $(SELECT)

export: setup
	$(PY) -m nnfin.course export --root "$(COURSE)" $(SELECT)

# Check my work (nnfin/check): tokens in build/check-tokens/<student>.token, the service in the foreground
STUDENTS ?=
CHECK_PORT ?= 8765
check-tokens: setup
	$(PY) -m nnfin.check.tokens --root "$(COURSE)" --students "$(STUDENTS)" $(if $(filter 1 yes true,$(RENEW)),--renew)

check-service: setup
	$(PY) -m nnfin.check.service --root "$(COURSE)" --port "$(CHECK_PORT)" \
	  $(if $(filter 1 yes true,$(UNSANDBOXED)),--unsandboxed)

# A class on JupyterHub on this machine, as root (nnfin/hub/): real accounts, each server under
# its own uid, the formgrader as the course's hub service, a shared exchange.
HUB_INSTRUCTOR ?= instructor
HUB_STUDENTS ?= 2
HUB_STUDENT_PREFIX ?= student
HUB_PORT ?= 8000
HUB_EXCHANGE ?= /srv/nbgrader/exchange
# the students' Python: a venv every account can run, outside the course (whose venv may sit under
# /root and imports the reference package)
HUB_ENV ?= /opt/nnfin-hub
HUB_RUNTIME := $(CURDIR)/build/hub
HUB_ACCOUNTS = --runtime "$(HUB_RUNTIME)" --instructor "$(HUB_INSTRUCTOR)" --students "$(HUB_STUDENTS)" \
	--student-prefix "$(HUB_STUDENT_PREFIX)"

$(HUB_ENV)/.installed: constraints.txt | $(STAMP)
	$(PY) -m nnfin.hub.student_side "$(HUB_ENV)" constraints.txt "$(PYTHON)"
	@touch $@

hub-env: setup $(HUB_ENV)/.installed

hub-users: setup
	$(PY) -m nnfin.hub.serve users $(HUB_ACCOUNTS)

hub: setup hub-env
	$(PY) -m nnfin.hub.serve serve $(HUB_ACCOUNTS) --course "$(COURSE)" --exchange "$(HUB_EXCHANGE)" \
	  --student-prefix-dir "$(HUB_ENV)" --port "$(HUB_PORT)"

hub-stop:
	$(PY) -m nnfin.hub.serve stop --runtime "$(HUB_RUNTIME)"

lint: setup
	$(VENV)/bin/ruff check .

test: setup lint
	$(PY) -m pytest -n 2 --dist loadfile tests

bench: setup
	$(PY) bench/grade_bench.py $(BENCH_ARGS)

clean:
	rm -rf $(VENV) node_modules autograded/*/ feedback submitted exchange gradebook.db check_attempts.db* grades*.csv reports
