"""Email: the letters (templates), the links they carry, and the flows that send them."""
