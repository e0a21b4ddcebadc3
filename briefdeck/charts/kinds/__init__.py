"""Built-in chart kinds. Each module draws with matplotlib and is imported on first use."""
