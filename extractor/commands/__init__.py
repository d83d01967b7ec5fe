"""One module per CLI command group; each keeps heavy imports inside the command body."""
