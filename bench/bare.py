"""The bare baseline: a Flask app doing nothing but answer, served with the hub's gunicorn settings."""

from flask import Flask, jsonify, make_response, request

app = Flask(__name__)


@app.get("/")
def page():
    return "<html><body><h1>bare</h1></body></html>"


@app.get("/api")
def api():
    return jsonify(items=[], limit=50, offset=request.args.get("offset", 0, type=int))


@app.get("/poll")
def poll():
    resp = make_response("{}")
    resp.set_etag("v1")
    return resp.make_conditional(request)
