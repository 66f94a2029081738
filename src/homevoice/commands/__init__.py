"""Voice commands: text or speech in, an intent recognised, an action taken, a reply to speak."""
