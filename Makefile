# Neural Networks for Finance, Module 3: the two commands are `make demo` and `make test`.
# Every target creates .venv when it is missing and installs the pinned versions into it.

PYTHON ?= $(shell command -v python3.11 || command -v python3)
PYTHON := $(PYTHON)
VENV   := .venv
PY     := $(VENV)/bin/python
NBGRADER := $(VENV)/bin/nbgrader
STAMP  := $(VENV)/.installed
ASSIGNMENTS := $(notdir $(wildcard source/[0-9]*))
# COURSE=/path runs a target on another copy of the course (the tests do); default: this one
COURSE ?= $(CURDIR)
# ASSIGNMENT=01_losses limits the exchange targets to one assignment (default: all of them)
ASSIGNMENT ?=
SELECTED = $(or $(ASSIGNMENT),$(ASSIGNMENTS))

# The venv's programs come first for every command make runs: nbgrader calls `alembic` from
# PATH to create a gradebook, and JupyterLab starts kernels and nbgrader from it.
export PATH := $(CURDIR)/$(VENV)/bin:$(PATH)

export MPLBACKEND := Agg
export PYTHONDONTWRITEBYTECODE := 1
# tiny matrices: one BLAS thread is much faster than several fighting over two cores
export OPENBLAS_NUM_THREADS := 1
export OMP_NUM_THREADS := 1

.PHONY: setup release check-release grade demo test lint clean help bench \
        lab release-assignment collect feedback release-feedback export

help:
	@echo "make demo   - set up, build release/, grade the demo class, print where to look"
	@echo "make test   - set up and run the whole test suite"
	@echo "make lab    - JupyterLab with the formgrader, opened on this course (LAB_ARGS=\"--port 8890\")"
	@echo "The instructor's day (ASSIGNMENT=01_losses for one assignment, default all):"
	@echo "  make release-assignment  - put the student versions into the exchange"
	@echo "  make collect             - copy the students' submissions from the exchange into submitted/"
	@echo "  make grade               - grade every submission (JOBS=N at once; UNSANDBOXED=1 without bubblewrap)"
	@echo "  make feedback            - write feedback/<student>/<assignment>/*.html from the gradebook"
	@echo "  make release-feedback    - put the feedback into the exchange for the students to fetch"
	@echo "  make export              - write grades.csv from the gradebook (after hand grading too)"
	@echo "make release / make lint / make clean"
	@echo "make bench  - time plain nbgrader vs our grader on a class of model answers (BENCH_ARGS=\"--students 2\")"

$(PY):
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

setup: $(STAMP)

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
	$(PY) -m nnfin.course grade --root "$(COURSE)" $(GRADE_FLAGS)

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
	$(PY) -m nnfin.course collect --root "$(COURSE)" --update $(foreach a,$(SELECTED),--assignment "$(a)")

# feedback pages of every graded submission (after grading written answers), one process per core
feedback: setup
	$(PY) -m nnfin.course feedback --root "$(COURSE)" --jobs "$(JOBS)"

release-feedback: setup
	@$(call NBGRADER_EACH,release_feedback "$$a")

export: setup
	$(PY) -m nnfin.course export --root "$(COURSE)"

lint: setup
	$(VENV)/bin/ruff check .

test: setup lint
	$(PY) -m pytest -n 2 --dist loadfile tests

bench: setup
	$(PY) bench/grade_bench.py $(BENCH_ARGS)

clean:
	rm -rf $(VENV) autograded/*/ feedback submitted exchange gradebook.db grades.csv reports
