def test_directory_lists_the_twelve_groups(client, people, as_user):
    c = as_user(people["member"])
    r = c.get("/groups")
    assert r.status_code == 200
    assert r.data.count(b'class="card h-100 group-card"') == 12
