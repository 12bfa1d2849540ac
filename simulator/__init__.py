"""Notify Sandbox: a wire-compatible stand-in for the GOV.UK Notify API."""

__version__ = "0.1.0"
