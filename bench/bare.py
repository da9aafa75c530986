"""The yardstick of bench/pages.py: a bare Flask + SQLAlchemy + Jinja page on the portal's
database, served by the same gunicorn command.

One query (the group's newest threads with their authors), one template, no sign-in,
no policy, no translations: what any Flask page costs on this machine.

    DATABASE_URL=... gunicorn ... bench.bare:app
"""

import os

from flask import Flask, render_template_string
from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import text

PAGE = """<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Threads</title></head>
<body><main><h1>Newest threads</h1><ul>
{% for row in rows %}<li><a href="/threads/{{ row.id }}">{{ row.title }}</a>
by {{ row.name }} · {{ row.last_post_at }}</li>{% endfor %}
</ul></main></body></html>"""

QUERY = text("SELECT threads.id, threads.title, threads.last_post_at, users.name "
             "FROM threads JOIN users ON users.id = threads.author_id "
             "ORDER BY threads.last_post_at DESC LIMIT 20")

db = SQLAlchemy()


def create_app() -> Flask:
    """The bare app on DATABASE_URL."""
    app = Flask(__name__)
    app.config["SQLALCHEMY_DATABASE_URI"] = os.environ["DATABASE_URL"]
    db.init_app(app)

    @app.get("/bare")
    def bare():
        """The newest threads."""
        return render_template_string(PAGE, rows=db.session.execute(QUERY).all())

    return app


app = create_app()
