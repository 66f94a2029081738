"""Text-to-speech backends; each is imported only when the registry chooses it."""
