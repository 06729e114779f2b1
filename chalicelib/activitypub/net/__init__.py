"""Cirrus and other servers over HTTP.

- `addresses`: the address-safety policy (which URLs, hosts and IP addresses may be requested);
  pure, no socket;
- `transport`: the HTTP client that applies it (pinned connections, checked redirects, size and
  time caps, content types): `fetch_json`, `fetch_bytes`, `post_activity`;
- `fetch`: fetches of ActivityPub documents by their id, signed by the instance actor;
- `discovery`: WebFinger, host-meta and NodeInfo, both the documents this instance answers and
  the lookups it makes to find other servers' actors.
"""
