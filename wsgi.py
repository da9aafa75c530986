"""Entry point: `flask --app wsgi ...`, gunicorn `wsgi:app`, or `python wsgi.py` to serve."""

import os

from portal import create_app
from portal.extensions import socketio

app = create_app()

# Behind a proxy (deploy/nginx), trust this many hops of X-Forwarded-For/-Proto/-Host, so
# throttles and the audit log see the client's address rather than the proxy's.
if int(os.environ.get("PROXY_COUNT", "0") or 0):
    from werkzeug.middleware.proxy_fix import ProxyFix

    hops = int(os.environ["PROXY_COUNT"])
    app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)

if __name__ == "__main__":
    socketio.run(app, host=os.environ.get("HOST", "127.0.0.1"),
                 port=int(os.environ.get("PORT", "5000")), allow_unsafe_werkzeug=True)
