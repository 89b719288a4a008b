"""Opening the records database the app and the CLI share, and the durable-write helpers they use."""

from __future__ import annotations

from config import Settings
from storage.files import atomic_write
from storage.records import Client, RecordStore, StoreError

__all__ = ["Client", "RecordStore", "StoreError", "atomic_write", "open_store"]


def open_store(settings: Settings) -> RecordStore:
    """The records database named by the settings (created, or brought up to date, on first use)."""
    return RecordStore(settings.database_path)
