"""Protocol adapters: HTTP, Telegram, Wyoming. They call services and never import engine backends."""
