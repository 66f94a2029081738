"""Captures: messages from chat (voice, audio, video, text) and notes from the web page on their way
into the vault."""
