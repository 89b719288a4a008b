"""Plan exporters: each is plan → bytes, with no I/O, so the page, the CLI and tests share them."""
