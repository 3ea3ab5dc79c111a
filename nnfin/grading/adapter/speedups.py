"""Same verdicts, less waiting: two validation costs in nbgrader's path, paid once instead of per cell.

* nbgrader checks every cell's metadata with ``jsonschema.validate``, which
  re-checks the schema itself on every call (about 4 ms a cell, 0.2 s a
  notebook, twice per autograde). A validator built once per schema gives the
  same errors (jsonschema's own ``best_match``).
* nbformat validates whole notebooks with ``jsonschema`` unless told to use
  ``fastjsonschema``, which nbformat supports and already depends on.
* nbgrader opens a new ``Gradebook`` (a new SQLAlchemy engine, a new SQLite
  connection and dialect set-up) about nine times per submission it records.
  `shared_engines` lets them share one engine per gradebook while a batch is
  recorded: about 3 ms each, 0.6 s of a 24-submission class.
Measured with ``make bench``; nothing here changes what is accepted.
"""

from __future__ import annotations

import contextlib
import json
import os
import types
from collections.abc import Iterator

import jsonschema
from jsonschema.exceptions import best_match

_VALIDATORS: dict[str, jsonschema.protocols.Validator] = {}


def _validate(instance: object, schema: dict) -> None:
    key = json.dumps(schema, sort_keys=True)
    validator = _VALIDATORS.get(key)
    if validator is None:
        cls = jsonschema.validators.validator_for(schema)
        cls.check_schema(schema)
        validator = _VALIDATORS[key] = cls(schema)
    error = best_match(validator.iter_errors(instance))
    if error is not None:
        raise error


def install() -> None:
    os.environ.setdefault("NBFORMAT_VALIDATOR", "fastjsonschema")
    from nbgrader.nbgraderformat import common

    if not isinstance(common.jsonschema, types.SimpleNamespace):
        common.jsonschema = types.SimpleNamespace(validate=_validate,
                                                  ValidationError=jsonschema.ValidationError)


@contextlib.contextmanager
def shared_engines() -> Iterator[None]:
    """While inside, every ``Gradebook`` of this process on the same database shares one engine.

    Scoped to one batch on purpose: the gradebook file cannot be replaced under the batch's
    feet (this process is its only writer), so no engine outlives the file it was opened on.
    The engines are disposed on the way out, and a forked child never sees the parent's.
    """
    from nbgrader import api
    from sqlalchemy import create_engine

    engines: dict[tuple, object] = {}
    owner = os.getpid()

    def shared(url: str, **kwargs: object) -> object:
        if os.getpid() != owner:  # a forked process must not share SQLite connections
            return create_engine(url, **kwargs)
        key = (str(url), tuple(sorted(kwargs.items())))
        if key not in engines:
            engines[key] = create_engine(url, **kwargs)
        return engines[key]

    previous = api.create_engine
    api.create_engine = shared
    try:
        yield
    finally:
        api.create_engine = previous
        for engine in engines.values():
            engine.dispose()
