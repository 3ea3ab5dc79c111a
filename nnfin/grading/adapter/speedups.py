"""Same verdicts, less waiting: two validation costs in nbgrader's path, paid once instead of per cell.

* nbgrader checks every cell's metadata with ``jsonschema.validate``, which
  re-checks the schema itself on every call (about 4 ms a cell, 0.2 s a
  notebook, twice per autograde). A validator built once per schema gives the
  same errors (jsonschema's own ``best_match``).
* nbformat validates whole notebooks with ``jsonschema`` unless told to use
  ``fastjsonschema``, which nbformat supports and already depends on.
Measured with ``make bench``; nothing here changes what is accepted.
"""

from __future__ import annotations

import json
import os
import types

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
