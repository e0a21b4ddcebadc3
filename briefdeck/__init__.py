"""briefdeck: one structured source of an event's content -> a PDF policy brief and a PowerPoint deck."""

__version__ = "0.1.0"
