"""Shipped definitions (principles, prompts, instruments) and the practitioner's own versions."""
