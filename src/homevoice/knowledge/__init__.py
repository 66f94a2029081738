"""Search and answers over the vault: indexing, hybrid retrieval, LLM answers and expanded notes."""
