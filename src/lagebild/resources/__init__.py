"""Data files shipped with lagebild (trained models, lexicons)."""
