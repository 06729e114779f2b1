"""Cirrus's requests to other servers.

- `addresses`: the address-safety policy (which URLs, hosts and IP addresses may be requested);
  pure, no socket;
- `transport`: the HTTP client that applies it (pinned connections, checked redirects, size and
  time caps, content types): `fetch_json`, `fetch_bytes`, `post_activity`;
- `fetch`: fetches of ActivityPub documents by their id, signed by the instance actor.
"""
