"""Language processing: sentences and named entities."""
