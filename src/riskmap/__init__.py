"""riskmap: election-security risk maps and posting plans for an Indonesian Polres."""

__version__ = "0.1.0"
