"""Regenerate src/ipassist/core/data/m49.json from Unicode CLDR's territory containment.

    npm pack cldr-core && tar xzf cldr-core-*.tgz
    .venv/bin/python scripts/gen_m49.py package/supplemental/territoryContainment.json

CLDR lists UN M49 containment with a few groupings of its own. We keep the numeric M49 areas and
apply the M49 composition where CLDR marks an area as a "grouping": Sub-Saharan Africa (202) sits
between Africa and its intermediate regions, and Latin America and the Caribbean (419) between the
Americas and the Caribbean, Central America and South America. Names are not stored here: they
come from CLDR through Babel, in every language, when the data is loaded.
"""

import json
import sys
from pathlib import Path

OUT = Path(__file__).resolve().parent.parent / "src/ipassist/core/data/m49.json"

# M49 sub-regions that CLDR files as groupings, with the areas they contain.
M49_OVERRIDES = {
    "202": ("002", ["011", "014", "017", "018"]),
    "419": ("019", ["005", "013", "029"]),
}


def main(path: str) -> None:
    containment = json.loads(Path(path).read_text())["supplemental"]["territoryContainment"]
    parent: dict[str, str] = {}
    for area, info in containment.items():
        if "-status-" in area or info.get("_grouping") == "true" or not area.isdigit():
            continue
        for child in info["_contains"]:
            parent.setdefault(child, area)
    for area, (above, below) in M49_OVERRIDES.items():
        parent[area] = above
        for child in below:
            parent[child] = area
    regions = sorted({code for code in [*parent, *parent.values()] if code.isdigit()})
    countries = {code: area for code, area in sorted(parent.items()) if code.isalpha() and len(code) == 2}

    def depth(code: str) -> int:
        return 0 if code == "001" else 1 + depth(parent[code])

    levels = {1: "region", 2: "subregion", 3: "intermediate"}
    data = {
        "source": "Unicode CLDR supplemental/territoryContainment.json (UN M49 composition)",
        "regions": [
            {"code": c, "parent": parent.get(c), "level": "world" if c == "001" else levels[depth(c)]}
            for c in regions
        ],
        "countries": countries,
    }
    OUT.write_text(json.dumps(data, indent=1) + "\n")
    print(f"wrote {OUT}: {len(regions)} regions, {len(countries)} countries")


if __name__ == "__main__":
    main(sys.argv[1])
