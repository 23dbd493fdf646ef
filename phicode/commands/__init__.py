"""One module per CLI command: ``register(subparsers)`` and a handler that turns
the parsed arguments into explicit values for the library."""
