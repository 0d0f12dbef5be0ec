"""Spiders: discovery and scheduling only; pages are read by ``tempo_crawler.layouts``."""
