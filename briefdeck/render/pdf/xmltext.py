"""XML text escapes for reportlab's paragraph markup and the XMP packet, as ``xml.sax.saxutils``
has them (same output): importing that module imports ``urllib.request`` (with ``http.client``,
``email`` and ``ssl``), 7 ms or more of every build of a brief, for three string replacements."""
from __future__ import annotations


def _replace(data: str, entities: dict[str, str]) -> str:
    for key, value in entities.items():
        data = data.replace(key, value)
    return data


def escape(data: str, entities: dict[str, str] = {}) -> str:  # noqa: B006 -- read only, as saxutils'
    """``&``, ``<`` and ``>`` (and ``entities``) as XML entities."""
    data = data.replace("&", "&amp;").replace(">", "&gt;").replace("<", "&lt;")
    return _replace(data, entities) if entities else data


def unescape(data: str, entities: dict[str, str] = {}) -> str:  # noqa: B006
    """``&lt;``, ``&gt;`` and ``&amp;`` (and ``entities``) back as characters."""
    data = data.replace("&lt;", "<").replace("&gt;", ">")
    if entities:
        data = _replace(data, entities)
    return data.replace("&amp;", "&")


def quoteattr(data: str, entities: dict[str, str] = {}) -> str:  # noqa: B006
    """An attribute value, escaped and quoted, with the quote it does not hold."""
    data = escape(data, {**entities, "\n": "&#10;", "\r": "&#13;", "\t": "&#9;"})
    if '"' in data:
        return '"%s"' % data.replace('"', "&quot;") if "'" in data else "'%s'" % data
    return '"%s"' % data
