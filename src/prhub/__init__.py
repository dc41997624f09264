"""prhub: weekly pull-request reports for any repository."""

__version__ = "0.1.0"
