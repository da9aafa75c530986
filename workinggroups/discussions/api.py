"""API: threads of a group, a thread with its posts, replies and versioned edits."""

from flask import jsonify
from flask_login import current_user

from portal.api.helpers import iso, json_body, paginated
from portal.api.openapi import NAMED, PAGING, TIME, op, page_of, path_param, register_paths
from portal.authz import access, require, require_visible
from portal.extensions import db
from portal.richtext import render_markdown
from portal.urls import page_url

from ..access import private_group_or_404
from ..api import PERSON, api_bp
from . import services
from .models import Post, Thread


def post_json(p: Post) -> dict:
    """A post: its Markdown, the safe HTML, its version for editing."""
    return {"id": p.id, "thread_id": p.thread_id,
            "url": page_url("workinggroups.thread", slug=p.thread.group.slug,
                            thread_id=p.thread_id) + f"#post-{p.id}",
            "author": {"id": p.author.id, "name": p.author.name,
                       "organization": p.author.organisation.name},
            "body": p.body, "html": str(render_markdown(p.body)), "version": p.version,
            "created_at": iso(p.created_at), "edited_at": iso(p.edited_at)}


def thread_json(t: Thread, *, posts: bool = False) -> dict:
    """A thread (with its posts when asked)."""
    data = {"id": t.id, "url": page_url("workinggroups.thread", slug=t.group.slug,
                                        thread_id=t.id),
            "working_group": t.group.slug, "title": t.title,
            "author": {"id": t.author.id, "name": t.author.name},
            "created_at": iso(t.created_at), "last_post_at": iso(t.last_post_at),
            "replies": max(len(t.posts) - 1, 0)}
    if posts:
        data["posts"] = [post_json(p) for p in t.posts]
    return data


def _thread(thread_id: int) -> Thread:
    return require_visible("thread.view", db.session.get(Thread, thread_id))


@api_bp.get("/working-groups/<slug>/threads")
@access("signed_in")
def list_threads(slug: str):
    """The group's threads, latest activity first."""
    group = private_group_or_404(slug)
    return jsonify(paginated(services.threads_of(group), thread_json))


@api_bp.post("/working-groups/<slug>/threads")
@access("signed_in")
def create_thread(slug: str):
    """Start a thread {title, body}."""
    group = private_group_or_404(slug)
    data = json_body()
    thread = services.start_thread(current_user, group, data.get("title"), data.get("body"))
    return jsonify(thread_json(thread, posts=True)), 201


@api_bp.get("/threads/<int:thread_id>")
@access("signed_in")
def get_thread(thread_id: int):
    """A thread with its posts."""
    return jsonify(thread_json(_thread(thread_id), posts=True))


@api_bp.post("/threads/<int:thread_id>/posts")
@access("signed_in")
def create_post(thread_id: int):
    """Reply {body}."""
    thread = _thread(thread_id)
    require("thread.post", thread)
    post = services.reply(current_user, thread, json_body().get("body"))
    return jsonify(post_json(post)), 201


@api_bp.patch("/posts/<int:post_id>")
@access("signed_in")
def patch_post(post_id: int):
    """Edit one's post {body, version}; 409 when `version` is stale."""
    post = db.session.get(Post, post_id)
    require_visible("thread.view", post.thread if post else None)
    require("post.edit", post)
    data = json_body()
    post = services.edit_post(current_user, post, data.get("body"), data.get("version"))
    return jsonify(post_json(post))


# What post_json() gives: every key, always.
POST = {"type": "object", "required": [
    "id", "thread_id", "url", "author", "body", "html", "version", "created_at", "edited_at"],
    "properties": {
        "id": {"type": "integer"}, "thread_id": {"type": "integer"},
        "url": {"type": "string", "description": "the post on its thread's page"},
        "author": PERSON, "body": {"type": "string", "description": "Markdown"},
        "html": {"type": "string", "description": "the body rendered to safe HTML"},
        "version": {"type": "integer", "minimum": 1,
                    "description": "send it back when editing; it grows with each edit"},
        "created_at": TIME, "edited_at": {**TIME, "nullable": True,
                                          "description": "null until it is edited"}}}
# What thread_json() gives; answers about one thread add its posts.
THREAD = {"type": "object", "required": [
    "id", "url", "working_group", "title", "author", "created_at", "last_post_at", "replies"],
    "properties": {
        "id": {"type": "integer"}, "url": {"type": "string", "description": "the thread's page"},
        "working_group": {"type": "string", "description": "the group's slug"},
        "title": {"type": "string"}, "author": NAMED, "created_at": TIME, "last_post_at": TIME,
        "replies": {"type": "integer", "minimum": 0,
                    "description": "posts after the opening one"}}}
THREAD_WITH_POSTS = {"allOf": [{"$ref": "#/components/schemas/Thread"}, {
    "type": "object", "required": ["posts"], "properties": {"posts": {
        "type": "array", "items": {"$ref": "#/components/schemas/Post"},
        "description": "oldest first; the first is the opening message"}}}]}
_POST = {"$ref": "#/components/schemas/Post"}
_FULL = {"$ref": "#/components/schemas/ThreadWithPosts"}
_SLUG = [path_param("slug", "string")]
_BODY = {"type": "object", "required": ["body"], "properties": {"body": {"type": "string"}}}
register_paths({
    "/working-groups/{slug}/threads": {
        "get": op("Threads of a group", tag="discussions", params=_SLUG + PAGING,
                  response=page_of({"$ref": "#/components/schemas/Thread"}),
                  errors=(401, 404, 422)),
        "post": op("Start a thread (Markdown body)", tag="discussions", ok=201, params=_SLUG,
                   response=_FULL, errors=(400, 401, 404, 422),
                   body={"type": "object", "required": ["title", "body"], "properties": {
                       "title": {"type": "string", "maxLength": 200},
                       "body": {"type": "string"}}})},
    "/threads/{thread_id}": {"get": op("A thread with its posts", tag="discussions",
                                       params=[path_param("thread_id")], response=_FULL)},
    "/threads/{thread_id}/posts": {"post": op(
        "Reply to a thread", tag="discussions", ok=201, params=[path_param("thread_id")],
        response=_POST, body=_BODY, errors=(400, 401, 403, 404, 422))},
    "/posts/{post_id}": {"patch": op(
        "Edit one's own post; 409 when version is stale", tag="discussions",
        params=[path_param("post_id")], response=_POST, errors=(400, 401, 403, 404, 409, 422),
        body={"type": "object", "required": ["body", "version"], "properties": {
            "body": {"type": "string"}, "version": {"type": "integer"}}})},
}, {"Post": POST, "Thread": THREAD, "ThreadWithPosts": THREAD_WITH_POSTS})
