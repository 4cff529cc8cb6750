"""The baseline of the page-latency bench: a bare Flask app answering one small page (bench/pages.py)."""

from flask import Flask

app = Flask(__name__)
PAGE = "<!doctype html><html lang=en><title>bare</title><p>" + "A small page. " * 40 + "</p></html>"


@app.get("/")
def index() -> str:
    return PAGE
