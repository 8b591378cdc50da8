"""lagebild."""
