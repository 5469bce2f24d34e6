"""Alerts defined in the product: rules (what to watch, when to fire, where to tell), their pure
evaluation into events with stable dedup keys, and the messages each channel carries."""
