"""The OpenAI-compatible HTTP API (FastAPI), job routes and operations endpoints."""
