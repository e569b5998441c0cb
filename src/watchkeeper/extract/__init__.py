"""Turning raw content into analysable parts: normalised text with offsets, links and contacts."""

from watchkeeper.extract.entities import Entity, EntityKind, extract_entities
from watchkeeper.extract.mapped import Mapped
from watchkeeper.extract.normalize import NormalizedText, looks_numeric, normalize

__all__ = [
    "Entity",
    "EntityKind",
    "Mapped",
    "NormalizedText",
    "extract_entities",
    "looks_numeric",
    "normalize",
]
