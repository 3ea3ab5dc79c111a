# Neural Networks for Finance, Module 3: the two commands are `make demo` and `make test`.
# Every target creates .venv when it is missing and installs the pinned versions into it.

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed
ASSIGNMENTS := $(notdir $(wildcard source/[0-9]*))

export MPLBACKEND := Agg
export PYTHONDONTWRITEBYTECODE := 1
# tiny matrices: one BLAS thread is much faster than several fighting over two cores
export OPENBLAS_NUM_THREADS := 1
export OMP_NUM_THREADS := 1

.PHONY: setup release check-release grade feedback export demo test lint clean help bench

help:
	@echo "make demo   - set up, build release/, grade the demo class, print where to look"
	@echo "make test   - set up and run the whole test suite"
	@echo "make release / make grade / make feedback / make export / make lint / make clean"
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
	$(PY) -m nnfin.course release

# JOBS=N grades N submissions at once (default: one per core); UNSANDBOXED=1 grades without
# bubblewrap (student code is then NOT isolated; grading refuses otherwise).
JOBS ?=
GRADE_FLAGS = --jobs "$(JOBS)" $(if $(filter 1 yes true,$(UNSANDBOXED)),--unsandboxed)

grade: setup
	$(PY) -m nnfin.course grade $(GRADE_FLAGS)

# feedback pages of every graded submission (after grading written answers), one process per core
feedback: setup
	$(PY) -m nnfin.course feedback --jobs "$(JOBS)"

export: setup
	$(PY) -m nnfin.course export

demo: release
	$(PY) -m nnfin.course demo $(GRADE_FLAGS)

lint: setup
	$(VENV)/bin/ruff check .

test: setup lint
	$(PY) -m pytest -n 2 --dist loadfile tests

bench: setup
	$(PY) bench/grade_bench.py $(BENCH_ARGS)

clean:
	rm -rf $(VENV) autograded/*/ feedback submitted gradebook.db grades.csv reports
