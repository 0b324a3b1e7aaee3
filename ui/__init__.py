"""Delivery surfaces: the `tailtalk` CLI (and later the HTTP server and the Gradio app)."""
