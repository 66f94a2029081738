"""Documents read aloud: extraction, sentence synthesis in parallel, M4B with chapters, a podcast feed."""
