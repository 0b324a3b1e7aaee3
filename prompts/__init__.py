"""Prompt templates (*.j2), loaded as package data."""
