"""Wire formats -> immutable Items."""

from watchkeeper.ingest.records import item_from_record

__all__ = ["item_from_record"]
