"""Fixtures of the hostile-input suite come from tests/conftest.py (aws, api, people, peer);
helpers shared by several findings live in tests/security/*_support.py modules."""
