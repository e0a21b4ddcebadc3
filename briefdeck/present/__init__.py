"""The presentation layer: what a reader sees, decided once for every output.

``view.View`` holds the words (from the document's locale and the theme's separators);
``outline.ReadingPlan`` (``View.plan``) puts them in reading order as the parts every output
walks. Pure Python: no reportlab, no python-pptx.
"""
from .outline import ReadingPlan, reading_plan
from .view import Metadata, PeopleGroup, View, default_view, view_of

__all__ = ["View", "Metadata", "PeopleGroup", "view_of", "default_view", "ReadingPlan", "reading_plan"]
