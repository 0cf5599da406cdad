"""Websocket consumers: they parse frames, call one service, and translate events back."""
