"""pickup-etl: news articles about the pickup-truck market into a DuckDB star schema."""

__version__ = "0.1.0"
