"""``--check-template``: what a template can serve, before a build, as data and as text."""
from __future__ import annotations

from pathlib import Path

from ....errors import TemplateError
from ... import CommandResult
from ..roles import ROLES
from .opening import all_layouts, open_clean_template
from .ranking import map_roles


def check_template(path: Path, theme=None) -> dict:
    """What a template can serve, before a build: {"ok", "roles": {role: {...}}, "missing": [...], "problems"}."""
    from ....theme import load_theme
    from ....templatesafety.hostile import problems as hostile_problems

    theme = theme or load_theme("default")
    report = {"template": str(path), "ok": False, "layouts": [], "roles": {}, "missing": [], "problems": [],
              "hostile": [], "warnings": []}
    try:
        prs, path, findings = open_clean_template(Path(path), theme)
        # what the template would carry into every deck, left out of the copy a build works on
        report["hostile"] = [{"code": f.code, "where": f.where, "what": f.what, "part": f.part, "severity": f.severity}
                             for f in findings]
        report["warnings"] = [p.message for p in hostile_problems(findings, str(path))]
        report["hostile_warnings"] = len(report["warnings"])  # format_report lists these in detail instead
        report["layouts"] = [l.name for l in all_layouts(prs)]
        report["masters"] = len(prs.slide_masters)
        info = map_roles(prs, Path(path), theme)
    except TemplateError as exc:
        report["problems"].append(str(exc))
        return report
    for role in ROLES:
        variants = info.roles.get(role)
        if not variants:
            report["missing"].append(role)
            continue
        rl = variants[0]
        report["roles"][role] = {"layout": rl.layout_name, "how": rl.how, "slots": [s for s, _ in rl.slots],
                                 "master": rl.master, "added": [s for s, ph in rl.slots if ph.virtual],
                                 "footer": any(p.type == "ftr" for p in rl.chrome),
                                 "slide_number": any(p.type == "sldNum" for p in rl.chrome)}
        if rl.how.startswith("fallback"):
            report["missing"].append(role)
    report["fonts"] = {src.face: {"how": src.how, "files": src.detail} for src in info.faces.values()}
    report["warnings"] += [p.message for p in info.problems]
    report["ok"] = True
    return report


def format_report(report: dict) -> str:
    if report["problems"] and not report["layouts"]:  # not a usable template at all
        return "\n".join(f"error: {p}" for p in report["problems"])
    masters = report.get("masters", 1)
    lines = [f"template {report['template']}: {len(report['layouts'])} layouts"
             + (f" in {masters} masters" if masters > 1 else "")]
    for role in ROLES:
        r = report["roles"].get(role)
        if r is None:
            lines.append(f"  {role:12} MISSING")
        else:
            where = f", master {r['master'] + 1}" if masters > 1 else ""
            added = f"; added: {', '.join(r['added'])}" if r.get("added") else ""
            lines.append(f"  {role:12} {r['layout']!r} ({r['how']}{where}; {', '.join(r['slots'])}{added})")
    for face, f in report.get("fonts", {}).items():
        lines.append(f"  typeface {face!r}: measured with {f['files']} ({f['how']})")
    lines += [f"  problem: {p}" for p in report["problems"]]
    lines += [f"  warning: {w}" for w in report.get("warnings", [])[report.get("hostile_warnings", 0):]]
    if report.get("hostile"):
        lines.append("  reaches out of the file or runs code (a build leaves these out, with a warning; --strict refuses):")
        lines += [f"    {f['where']}: {f['what']} [{f['code']}; "
                  + ("left out of decks" if f["severity"] == "warning" else
                     "dropped: inert" if f["code"] == "template.inert" else "on a sample slide only: never built on") + "]"
                  for f in report["hostile"]]
    if report["missing"]:
        lines.append(f"  no own layout for: {', '.join(report['missing'])} (served by another role's layout)")
    return "\n".join(lines)


def check_template_command(path, *, strict: bool = False) -> CommandResult:
    """``--check-template FILE`` (the deck's registry entry): the report; not ok when the template
    cannot serve a deck, or, with ``strict``, would carry into it something a build leaves out."""
    report = check_template(Path(path))
    hostile = any(f["severity"] == "warning" for f in report["hostile"])
    return CommandResult(format_report(report), report, report["ok"] and not (strict and hostile))
