"""Per-document extraction stages: dates, entities, places, figures, quotes."""
