"""Bundled scoring specs: one TOML file per jurisdiction and year (see README.md here)."""
