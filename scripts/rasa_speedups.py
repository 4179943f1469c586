"""Rasa's check of the action server's replies, with the JSON schema compiled once.

Rasa 3.6 validates every reply of the action server with `jsonschema.validate`, which
first checks the (large) events schema against the draft 2020-12 meta-schema, on every
call: under load that was 40-45 % of the Rasa process's CPU (py-spy, benchmarks/rest_load.py).
Here the schema is checked once and a compiled validator does the per-reply check; an
invalid reply still goes through Rasa's own method, which raises its usual error.
"""
from __future__ import annotations

from typing import Any


def compile_action_reply_check() -> None:
    from jsonschema.validators import validator_for
    from rasa.core.actions.action import RemoteAction

    rasa_check = RemoteAction._validate_action_result
    if getattr(rasa_check, "compiled", False):
        return
    schema = RemoteAction.action_response_format_spec()
    validator_class = validator_for(schema)
    validator_class.check_schema(schema)
    validator = validator_class(schema)

    def validate_action_result(self: RemoteAction, result: dict[str, Any]) -> bool:
        return validator.is_valid(result) or rasa_check(self, result)

    validate_action_result.compiled = True  # type: ignore[attr-defined]
    RemoteAction._validate_action_result = validate_action_result
