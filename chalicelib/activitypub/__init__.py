"""ActivityPub federation, one folder per job: see docs/architecture.md, "The federation package"."""
