"""The web side: webhooks, health check and (later) the advisor console, on one ASGI app."""
