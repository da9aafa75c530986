"""Which region a member company's country lies in (the alliance reports its members as
European, American, Chinese and other brands)."""

REGIONS = ("europe", "americas", "china", "asia_pacific", "other")

_COUNTRIES = {
    "europe": (
        "albania", "andorra", "austria", "belgium", "bulgaria", "croatia", "cyprus",
        "czech republic", "czechia", "denmark", "estonia", "finland", "france", "germany",
        "greece", "hungary", "iceland", "ireland", "italy", "latvia", "liechtenstein",
        "lithuania", "luxembourg", "malta", "monaco", "netherlands", "the netherlands", "norway",
        "poland", "portugal", "romania", "serbia", "slovakia", "slovenia", "spain", "sweden",
        "switzerland", "ukraine", "united kingdom", "uk", "great britain", "england", "scotland",
        "法国", "德国", "意大利", "英国", "瑞士", "瑞典", "西班牙", "荷兰"),
    "americas": (
        "united states", "united states of america", "usa", "us", "canada", "mexico", "brazil",
        "argentina", "chile", "colombia", "peru", "美国", "加拿大", "巴西", "墨西哥"),
    "china": (
        "china", "people's republic of china", "prc", "mainland china", "hong kong", "macau",
        "macao", "taiwan", "中国", "中国大陆", "香港", "澳门", "台湾"),
    "asia_pacific": (
        "japan", "south korea", "korea", "republic of korea", "singapore", "australia",
        "new zealand", "india", "indonesia", "malaysia", "thailand", "vietnam", "viet nam",
        "philippines", "日本", "韩国", "新加坡", "澳大利亚", "印度"),
}
_LOOKUP = {name: region for region, names in _COUNTRIES.items() for name in names}


def region_of(country: str | None) -> str:
    """The region of a country as people type it; 'other' when unknown or blank."""
    return _LOOKUP.get((country or "").strip().lower(), "other")
