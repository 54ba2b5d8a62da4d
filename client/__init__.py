"""The partner upload client: a plain HTTP client of the upload protocol (no Django)."""
