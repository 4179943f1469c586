"""The base of the packages' pydantic-settings classes (Python 3.11 environment only)."""
from __future__ import annotations

from pathlib import Path
from typing import Annotated, TypeVar

from pydantic import AfterValidator, AliasChoices, ValidationError
from pydantic_settings import BaseSettings, SettingsConfigDict

from envconfig import ENV_FILE, SettingsError, project_path

S = TypeVar("S", bound="EnvSettings")

ProjectPath = Annotated[Path, AfterValidator(project_path)]   # relative values are relative to the project


class EnvSettings(BaseSettings):
    """Fields read from `env_prefix + NAME` (or their alias); the real environment wins over `.env`;
    an empty value means the default."""

    model_config = SettingsConfigDict(env_file=ENV_FILE, env_file_encoding="utf-8", extra="ignore",
                                      env_ignore_empty=True, frozen=True, str_strip_whitespace=True)

    @classmethod
    def from_env(cls: type[S], **values) -> S:
        """The settings from the environment (`values` win), or a SettingsError naming the variable."""
        try:
            return cls(**values)
        except ValidationError as error:
            problem = error.errors()[0]
            field = str(problem["loc"][0]) if problem["loc"] else "?"
            accepted = problem["msg"].removeprefix("Input should be ").removeprefix("Value error, ")
            raise SettingsError(cls.variable(field), problem.get("input"), accepted) from None

    @classmethod
    def variable(cls, field: str) -> str:
        """The environment variable a field is read from."""
        info = cls.model_fields.get(field)
        alias = info and info.validation_alias
        if isinstance(alias, AliasChoices):
            return str(alias.choices[-1]).upper()
        if isinstance(alias, str):
            return alias.upper()
        return (cls.model_config.get("env_prefix", "") + field).upper()

    @classmethod
    def variables(cls) -> list[str]:
        return [cls.variable(name) for name in cls.model_fields]
