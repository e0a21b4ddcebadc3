"""How far apart two colours look: in a grey copy, and in colour to readers with and without a
colour-vision deficiency. Pure Python (used when choosing series colours, and by tests).

``grey`` is the lightness a grey photocopy prints (ITU-R 601 luma). ``difference`` is the
CIELAB distance (CIE76 ΔE, D65) between the two colours as seen with normal vision and as
simulated for deuteranopia and protanopia (Machado, Oliveira & Fernandes 2009, severity 1),
whichever is least: the Okabe-Ito orange and vermillion come out 18 apart (red-green blind
readers see two oranges), blue and yellow 125.
"""
from __future__ import annotations

from functools import lru_cache

# Machado et al. 2009, severity 1.0, on linear RGB
_CVD = {
    "deutan": ((0.367322, 0.860646, -0.227968), (0.280085, 0.672501, 0.047413), (-0.011820, 0.042940, 0.968881)),
    "protan": ((0.152286, 1.052583, -0.204868), (0.114503, 0.786281, 0.099216), (-0.003882, -0.048116, 1.051998)),
}


def rgb(colour: str) -> tuple[float, float, float]:
    """'#RRGGBB' or 'RRGGBB' as three channels, 0..1."""
    colour = colour.lstrip("#")
    return tuple(int(colour[i : i + 2], 16) / 255 for i in (0, 2, 4))  # type: ignore[return-value]


def mix(colour: str, toward: str, share: float) -> str:
    """``colour`` moved ``share`` of the way to ``toward`` (both '#RRGGBB'), as '#RRGGBB'."""
    return "#" + "".join(f"{round((a + (b - a) * share) * 255):02X}" for a, b in zip(rgb(colour), rgb(toward)))


def luminance(colour: str) -> float:
    """WCAG 2 relative luminance of '#RRGGBB' or 'RRGGBB'."""
    r, g, b = (_linear(c) for c in rgb(colour))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a: str, b: str) -> float:
    """WCAG 2 contrast ratio of two colours (1..21)."""
    la, lb = sorted((luminance(a), luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def grey(colour: str) -> float:
    """Lightness of '#RRGGBB' as a grey copy prints it (ITU-R 601 luma, 0 black .. 1 white)."""
    r, g, b = rgb(colour)
    return 0.299 * r + 0.587 * g + 0.114 * b


def _linear(c: float) -> float:
    return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4


def _lab(lin: tuple[float, float, float]) -> tuple[float, float, float]:
    r, g, b = lin
    x = (0.4124 * r + 0.3576 * g + 0.1805 * b) / 0.95047
    y = 0.2126 * r + 0.7152 * g + 0.0722 * b
    z = (0.0193 * r + 0.1192 * g + 0.9505 * b) / 1.08883

    def f(t: float) -> float:
        return t ** (1 / 3) if t > 0.008856 else 7.787 * t + 16 / 116

    fx, fy, fz = f(x), f(y), f(z)
    return 116 * fy - 16, 500 * (fx - fy), 200 * (fy - fz)


@lru_cache(maxsize=512)
def _seen(colour: str, vision: str) -> tuple[float, float, float]:
    lin = tuple(_linear(c) for c in rgb(colour))
    if vision in _CVD:
        m = _CVD[vision]
        lin = tuple(min(max(sum(m[i][j] * lin[j] for j in range(3)), 0.0), 1.0) for i in range(3))
    return _lab(lin)  # type: ignore[arg-type]


@lru_cache(maxsize=1024)
def difference(a: str, b: str) -> float:
    """ΔE between two colours for the reader who tells them apart least (normal, deutan, protan)."""
    out = []
    for vision in ("normal", "deutan", "protan"):
        la, lb = _seen(a.upper(), vision), _seen(b.upper(), vision)
        out.append(sum((p - q) ** 2 for p, q in zip(la, lb)) ** 0.5)
    return min(out)
