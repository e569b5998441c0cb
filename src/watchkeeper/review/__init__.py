"""People's side of moderation: the SQL store (decisions, audit log); review queues and appeals follow."""

from watchkeeper.review.store import AuditEntry, Store, StoredDecision

__all__ = ["AuditEntry", "Store", "StoredDecision"]
