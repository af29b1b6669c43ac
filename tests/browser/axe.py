"""Run the axe-core accessibility engine in a Playwright page.

`vendor/axe-core/axe.min.js` is the `axe-core` npm package's build (version in its first
line, licence beside it), kept in the repository so the audit runs offline. The portal's
Content-Security-Policy allows only its own scripts, so an inline <script> (what
`page.add_script_tag(content=...)` writes) would be refused; `page.evaluate` runs the
source through the DevTools protocol instead, which the page's CSP does not govern.
"""

from pathlib import Path

AXE_SOURCE = (Path(__file__).parent / "vendor" / "axe-core" / "axe.min.js").read_text()

# What makes a page fail: axe's two highest impacts. Moderate and minor findings are
# reported by `audit(..., impacts=None)` for whoever wants to look further.
FAILING_IMPACTS = ("serious", "critical")


def audit(page, *, impacts=FAILING_IMPACTS):
    """The axe violations on the page as it is now, those of `impacts` (None: all)."""
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.evaluate(AXE_SOURCE)
    violations = page.evaluate(
        "() => axe.run(document, {resultTypes: ['violations']}).then(r => r.violations)"
    )
    return [v for v in violations if impacts is None or v["impact"] in impacts]


def describe(path, violations):
    """One readable line per violation and offending element, to fail a test with."""
    lines = []
    for violation in violations:
        lines.append(f"{path}: [{violation['impact']}] {violation['id']}: {violation['help']}")
        for node in violation["nodes"][:5]:
            summary = node.get("failureSummary", "").replace("\n", " ")
            lines.append(f"    {' '.join(node['target'])}: {summary[:200]}")
    return lines
