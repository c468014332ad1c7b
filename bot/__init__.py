"""madoguchi (窓口): a multilingual help desk for foreign workers in Japan."""

__version__ = "0.1.0"
