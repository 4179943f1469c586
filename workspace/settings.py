"""The workspace's settings: WORKSPACE_* variables (see .env.example); its port is envconfig's."""
from __future__ import annotations

from pydantic import AliasChoices, Field, SecretStr, field_validator

from envconfig.typed import EnvSettings


class WorkspaceSettings(EnvSettings, env_prefix="WORKSPACE_"):
    host: str = "127.0.0.1"                          # the interface it listens on
    secret: SecretStr = SecretStr("")                # signs the login form's token (>= 32 characters)
    session_minutes: int = Field(480, ge=5)          # a sign-in lasts this long
    cookie_secure: bool = False                      # send the session cookie over HTTPS only (set behind TLS)
    login_max_failures: int = Field(5, ge=2)         # wrong passwords for one account: this one is refused…
    login_window_minutes: int = Field(15, ge=1)      # …within this many minutes (and as long after)
    rasa_url: str = ""                               # Rasa's HTTP API; default http://127.0.0.1:$RASA_PORT
    rasa_api_token: SecretStr = Field(SecretStr(""), validation_alias=AliasChoices("rasa_api_token"))

    @field_validator("secret", mode="after")
    @classmethod
    def _long_enough(cls, value: SecretStr) -> SecretStr:
        if len(value.get_secret_value()) < 32:
            raise ValueError("a secret of at least 32 characters (make run creates one in $VAR_DIR/secrets)")
        return value
