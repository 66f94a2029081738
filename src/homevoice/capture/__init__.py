"""Captures: messages from chat (voice, audio, video, text) on their way into the vault."""
