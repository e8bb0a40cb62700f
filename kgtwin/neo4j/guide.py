"""A Neo4j Browser guide for the demo graph, made from the shipped example queries.

Neo4j Browser 5 opens a guide with ``:guide URL``: it fetches the page itself (a
cross-origin request, so the page's server must answer CORS), only from a host in the
server's ``browser.remote_content_hostname_allowlist`` (kgtwin's server allows
``localhost``), and shows each ``<slide>`` of the page as one page of the guide; a
``<pre class="code runnable">`` block is put into the editor when clicked. The guide is
built from :func:`kgtwin.neo4j.examples.examples`, so its queries are the ones the tests
run on the demo graph. ``kgtwin neo4j guide`` serves it on loopback.
"""

from __future__ import annotations

import html
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from kgtwin.neo4j.examples import Example, examples

__all__ = ["GUIDE_HTML", "GuideServer", "guide_html"]

#: The guide's file name (``examples --export`` writes it; the server serves it).
GUIDE_HTML = "kgtwin-guide.html"


def _runnable(command: str) -> str:
    return f'<pre class="pre-scrollable code runnable">{html.escape(command)}</pre>'


def _slide(title: str, *parts: str) -> str:
    return f"<slide class=\"row-fluid\">\n<h3>{html.escape(title)}</h3>\n" + "\n".join(
        parts) + "\n</slide>"


def _example_slide(example: Example) -> str:
    parts = [f"<p>{html.escape(example.description)}</p>"]
    params = example.browser_commands()[:-1]
    if params:
        parts.append("<p>Click the parameter line and run it (it names a demo node), then "
                     "the query:</p>")
        parts += [_runnable(p) for p in params]
    parts.append(_runnable(example.cypher))
    return _slide(example.title, *parts)


def guide_html() -> str:
    """The guide page: an introduction, one slide per example query, a closing slide."""
    intro = _slide(
        "The kgtwin demo graph",
        "<p>These pages run the example queries shipped with kgtwin on the demo graph "
        "(<code>kgtwin demo</code>, then <code>kgtwin push</code>). Click a grey block to "
        "put it into the editor, then run it.</p>",
        "<p>Nodes carry their Biolink category and its <code>is_a</code> ancestors as "
        "labels (a <code>Drug</code> is also a <code>ChemicalEntity</code>), so broad "
        "labels find narrow nodes. Mixins such as <code>GeneOrGeneProduct</code> are not "
        "labels: name their classes (<code>(t:Gene|Protein)</code>). For captions and "
        "colours, drag <code>kgtwin.grass</code> "
        "(from <code>kgtwin neo4j examples --export DIR</code>) onto this window.</p>",
    )
    outro = _slide(
        "Your own questions",
        "<p>Find an id by name with <code>kgtwin search TEXT</code>, patients' pseudonyms "
        "with <code>kgtwin patient list</code>; change a <code>:param</code> line to ask "
        "the same question about another node.</p>",
    )
    slides = [intro, *(_example_slide(e) for e in examples()), outro]
    return ("<!doctype html>\n<html><head><meta charset=\"utf-8\">"
            "<title>kgtwin demo graph</title></head><body>\n<article class=\"guide\">\n"
            "<carousel class=\"deck container-fluid\">\n" + "\n".join(slides)
            + "\n</carousel>\n</article>\n</body></html>\n")


class _Handler(BaseHTTPRequestHandler):
    """Serves the guide with the CORS headers Browser's fetch needs: it sends ``pragma``
    and ``cache-control`` (so a preflight comes first) with credentials, so the answer
    names the asking origin instead of ``*`` (a wildcard fails with "Failed to fetch").
    The page is public and read-only; the server listens on loopback only."""

    page: bytes = b""

    def _cors(self) -> None:
        origin = self.headers.get("Origin")
        self.send_header("Access-Control-Allow-Origin", origin or "*")
        if origin:
            self.send_header("Access-Control-Allow-Credentials", "true")
            self.send_header("Vary", "Origin")
        self.send_header("Access-Control-Allow-Methods", "GET, OPTIONS")
        self.send_header("Access-Control-Allow-Headers",
                         self.headers.get("Access-Control-Request-Headers")
                         or "pragma, cache-control")

    def do_OPTIONS(self) -> None:
        self.send_response(204)
        self._cors()
        self.end_headers()

    def do_GET(self) -> None:
        if self.path.split("?", 1)[0].split("#", 1)[0] not in ("/", f"/{GUIDE_HTML}"):
            self.send_error(404, f"only /{GUIDE_HTML} is served here")
            return
        self.send_response(200)
        self._cors()
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(self.page)))
        self.end_headers()
        self.wfile.write(self.page)

    def log_message(self, format: str, *args) -> None:  # quiet: no line per request
        pass


class GuideServer:
    """The guide on ``http://localhost:PORT/kgtwin-guide.html`` (loopback only), in a
    background thread: ``with GuideServer() as server: print(server.command)``."""

    def __init__(self, *, port: int = 0) -> None:
        handler = type("GuideHandler", (_Handler,), {"page": guide_html().encode("utf-8")})
        self._server = ThreadingHTTPServer(("127.0.0.1", port), handler)
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        # "localhost", not 127.0.0.1: the name Neo4j's default allowlist carries.
        return f"http://localhost:{self._server.server_address[1]}/{GUIDE_HTML}"

    @property
    def command(self) -> str:
        """What to type into Neo4j Browser."""
        return f":guide {self.url}"

    def __enter__(self) -> GuideServer:
        self._thread.start()
        return self

    def __exit__(self, *_exc) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join()
