"""Other servers' objects as Cirrus keeps them: actors, videos, playlists and comments fetched
or received, checked and stored (with the images copied and the per-host caps they count
against), and remote accounts' ratings of this instance's videos. `parse/` reads and checks
their documents; the modules here decide what is kept and write it."""
