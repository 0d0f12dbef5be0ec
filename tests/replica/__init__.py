"""A reconstructed Tempo served on loopback: fixture pages, generated listings, expected items."""
