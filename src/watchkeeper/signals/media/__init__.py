"""Detectors over what the media extractors found (visual findings on frames)."""
