"""The Notify Sandbox benchmark: `python -m bench` (see bench/__main__.py)."""
