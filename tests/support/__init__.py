"""Test support: factories, login helpers, live servers."""
