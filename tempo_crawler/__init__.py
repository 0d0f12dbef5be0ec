"""tempo_crawler: clean, deduplicated, structured Tempo world-news articles."""

__version__ = "0.1.0"
