"""Discussions of a group: threads, replies in Markdown, mentions, follow or mute, live replies."""
