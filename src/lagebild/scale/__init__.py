"""Archive-scale batch runs: the per-document pipeline on Ray Data, Parquet out, then a load."""
