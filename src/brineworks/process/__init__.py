"""Process units of the salt-lake industrial chain (solar ponds first)."""
