"""Harnesses that measure Källa on real question sets (never imported by the product)."""
