"""respgate-lint: keep Realtime voice agents from sending response.create around their gate."""

__version__ = "0.1.0"
