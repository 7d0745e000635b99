"""The demo archive: generated photos with real metadata, and what they show."""

from archive.demo.build import build_demo

__all__ = ["build_demo"]
