"""The PeerTube REST API (/api/v1): one blueprint per resource, thin by design."""
