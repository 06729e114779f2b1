"""Other servers' documents read and checked (hostile until checked) into the dataclasses the
rest of remote/ stores: actors, videos, playlists and their elements, comments (Notes), and
the field checks they share (`checks.InvalidDocument` is the refusal)."""
