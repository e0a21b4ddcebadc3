"""Templates: open a .pptx safely and find, for each slide role, the layouts that can serve it.

A role (title, section, content, two-content, chart, quote, closing) can be served by:
1. the layout the user's side file names (``NAME.layouts.yaml`` beside the template: ``content: "Titel
   und Inhalt"``; it may also name font files for the template's typefaces: ``fonts: {...}``);
2. the role's default layout name (deck.yaml ``layouts``), then common other names (``layout_aliases``:
   PowerPoint, LibreOffice and localised names);
3. a layout whose placeholders fit the role (a title and one content placeholder is a content layout);
4. a layout with a title (or none) whose missing text areas the deck adds as placeholders of the
   master's body type, where the master has its body area ("Title Only" and "Blank" templates);
5. another role's layouts (quote and closing fall back to content, section to title).

Every candidate is looked at as a viewer draws it (``backdrop.py``): a text area over decoration
(LibreOffice's triangles, a line drawing, an ink blot) shrinks to its largest part where the
template's text colour reads, and candidates are ranked by how they match (as above), then how much
of their text area stays unreadable, then the size of their body area. So a template with several
masters (LibreOffice saves each master page with all its layouts) serves content from the master whose
body area is clear, and the planner may try the next candidates when text does not fit (a title slide,
"About the speakers").

The package, by job:

- ``info``          what an analysis is (``Ph``, ``RoleLayout``, ``TemplateInfo``): plain data, kept by
                    ``layout_cache`` and read by the planner and the writer
- ``opening``       a template opened on a clean copy (``templatesafety``), its side file
- ``placeholders``  a layout's placeholders as a slide shows them, and which of them serve a role's slots
- ``ranking``       every candidate looked at (``backdrop``) and ranked; ``map_roles``, the entry point
- ``contrast``      the template's text and link colours judged against what lies under them
- ``typefaces``     the measurer of the template's typefaces, and warnings where one has no metrics
- ``report``        ``--check-template``: what a template can serve, before a build

Import from the module that does the job (``from .template.ranking import map_roles``): this file
imports nothing, so reading one part never loads the others.
"""
