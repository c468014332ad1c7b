"""One module per platform. Channels only parse payloads and render replies."""
