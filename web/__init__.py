"""The web layer: FastAPI JSON API and Jinja2 chat pages over `qa.chat.ChatService`."""
