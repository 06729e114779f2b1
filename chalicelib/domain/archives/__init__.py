"""Account archives, PeerTube's user export and import: one zip format (PeerTube's layout),
one writer that streams it into S3, one reader that refuses hostile archives, and the jobs
that make an export and restore an import off the request path (docs/account-archives.md)."""
