"""Fault injection on the real `make run` stack: restarts, crashes at chosen moments, failing
steps; after each, nothing a user did is lost and nothing is left hanging."""
