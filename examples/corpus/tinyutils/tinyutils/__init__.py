"""tinyutils: small, dependency-free helpers."""
