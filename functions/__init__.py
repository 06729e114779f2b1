"""Deployable units outside the Chalice app."""
