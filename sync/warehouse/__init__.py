"""The municipal lab's side of the exchange: bundles, the Parquet warehouse, intake, the DuckDB engine."""
