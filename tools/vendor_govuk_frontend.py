"""Vendor govuk-frontend's built CSS and JS into simulator/web/static/govuk-frontend/.

    npm pack govuk-frontend@6.6.0 && tar xzf govuk-frontend-6.6.0.tgz
    python tools/vendor_govuk_frontend.py package

The GDS Transport font is licensed for GOV.UK only, so its @font-face rules are dropped
and the system font stack takes its place; the crest image (Crown copyright, outside the
MIT licence) is not shipped either, and rules that point at it lose the url.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

_TARGET = Path(__file__).resolve().parent.parent / "simulator/web/static/govuk-frontend"
_SYSTEM_FONTS = 'system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif'


def vendor_css(css: str) -> str:
    css = re.sub(r"@font-face\{[^}]*\}", "", css)
    css = css.replace("font-family:GDS Transport,arial,sans-serif", f"font-family:{_SYSTEM_FONTS}")
    css = css.replace("font-family:GDS Transport", f"font-family:{_SYSTEM_FONTS}")
    css = re.sub(r"url\(/assets/images/govuk-crest\.svg\)", "none", css)
    css = re.sub(r"/\*# sourceMappingURL=[^*]*\*/", "", css)
    if "GDS Transport" in css or "/assets/" in css:
        raise SystemExit("the CSS still names the font or an asset: check the new release")
    return css


def main(package_dir: str) -> None:
    root = Path(package_dir)
    meta = json.loads((root / "package.json").read_text())
    dist = root / "dist/govuk"
    _TARGET.mkdir(parents=True, exist_ok=True)
    css = vendor_css((dist / "govuk-frontend.min.css").read_text())
    (_TARGET / "govuk-frontend.min.css").write_text(css)
    js = (dist / "govuk-frontend.min.js").read_text()
    js = re.sub(r"//# sourceMappingURL=\S+\s*$", "", js)
    (_TARGET / "govuk-frontend.min.js").write_text(js)
    (_TARGET / "VERSION").write_text(f"{meta['name']} {meta['version']}\n")
    print(f"vendored {meta['name']} {meta['version']} into {_TARGET}")


if __name__ == "__main__":
    main(sys.argv[1])
