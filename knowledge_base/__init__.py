"""Hanoi procedure knowledge base: catalog, Vietnamese text normalisation, hybrid search."""


class KnowledgeBaseError(Exception):
    """Root of every error this package raises."""
