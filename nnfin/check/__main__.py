"""``python -m nnfin.check NOTEBOOK --token-file FILE [--url URL] [--json]``: ask the check service."""

from nnfin.check.client import main

raise SystemExit(main())
