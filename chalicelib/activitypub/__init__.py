"""ActivityPub federation: JSON-LD contexts, HTTP and Linked Data signatures."""
