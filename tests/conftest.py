"""Shared test settings: headless plots and one BLAS thread (tiny matrices, two cores)."""

import os

os.environ.setdefault("MPLBACKEND", "Agg")
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
os.environ.setdefault("OMP_NUM_THREADS", "1")

# The longest test files, started first: `make test` runs `-n 2 --dist loadfile`, so a long file
# that starts last runs alone at the end while the other worker idles.
LONGEST_FIRST = ("tests/hub/", "tests/grading/test_cluster.py", "tests/browser/",
                 "tests/grading/test_mutants.py")


def _rank(nodeid: str) -> int:
    ranks = (i for i, prefix in enumerate(LONGEST_FIRST) if nodeid.startswith(prefix))
    return next(ranks, len(LONGEST_FIRST))


def pytest_collection_modifyitems(session, config, items) -> None:
    items.sort(key=lambda item: _rank(item.nodeid))  # stable: every other order is kept
