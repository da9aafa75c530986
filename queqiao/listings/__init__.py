"""Listings as the platform sends them, and the proving corpus of known listings.

Rules are proven on the corpus and scanning reads listings; both use this package,
which uses neither.
"""
