"""Perceptual hashing and known-bad media matching (PDQ, hash banks, the multi-index hash index)."""
