"""The staff workspace: a web application (Sanic + Jinja2, server-rendered) where staff keep the
catalog true, answer handed-off citizens and see how the assistant is doing (docs/staff.md)."""
