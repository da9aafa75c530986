"""Related navigation entries share a drop-down only when someone sees more than one."""

from portal.ui import NavItem, NavMenu, navigation_entries


def _item(endpoint: str, menu: str | None = None) -> NavItem:
    return NavItem(endpoint, endpoint.title(), "signed_in", menu=menu)


def test_related_entries_share_a_menu_where_the_first_of_them_stands():
    items = [_item("groups"), _item("tips", "Queqiao"), _item("reports"),
             _item("rules", "Queqiao"), _item("hits", "Queqiao")]
    entries = navigation_entries(items)
    assert [type(e) for e in entries] == [NavItem, NavMenu, NavItem]
    menu = entries[1]
    assert str(menu.label) == "Queqiao"
    assert [i.endpoint for i in menu.items] == ["tips", "rules", "hits"]


def test_a_lone_entry_of_a_menu_stays_a_plain_link():
    entries = navigation_entries([_item("groups"), _item("tips", "Queqiao")])
    assert [e.endpoint for e in entries] == ["groups", "tips"]


def test_a_menu_is_active_on_the_pages_of_its_entries():
    menu = NavMenu("Queqiao", "", [NavItem("tips", "Tips", "signed_in", prefix="/queqiao/tips"),
                                   NavItem("hits", "Hits", "staff", prefix="/queqiao/hits")])
    assert menu.is_active("/queqiao/hits/3")
    assert not menu.is_active("/groups")
