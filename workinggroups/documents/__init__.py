"""Shared documents of a group: uploads checked by content, kept under their hash, versioned."""
