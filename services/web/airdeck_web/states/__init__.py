"""Reflex states: what each screen knows and the events that change it."""
