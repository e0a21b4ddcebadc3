"""Renderers: each takes a validated Document and writes one format (pdf, pptx)."""
