"""Settings read from the environment once (QA_CORPUS_DIR, QA_INDEX_DIR, QA_EMBEDDING_MODEL, ...)."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from pydantic import SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="QA_", extra="ignore")

    corpus_dir: Path = Path("corpus")
    index_dir: Path = Path("var/index")
    embedding_model: str | None = None
    # Conversations live beside the index by default, in the same git-ignored data folder.
    conversations_db: Path | None = None
    # Bearer token for adding, replacing and deleting articles over HTTP (QA_ADMIN_TOKEN); unset: writes off.
    admin_token: SecretStr | None = None
    max_upload_bytes: int = 2_000_000  # one uploaded file or article
    index_poll_seconds: float = 1.0  # how often the server looks for a build made by `qa index` elsewhere

    @property
    def conversations_path(self) -> Path:
        return self.conversations_db or self.index_dir / "conversations.sqlite3"


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()
