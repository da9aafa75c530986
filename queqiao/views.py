"""Queqiao pages: the tip pages live in queqiao.tips.views."""

from .tips import views  # noqa: F401
