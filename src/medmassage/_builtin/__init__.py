"""Built-in clinical content: instruments and contraindication rules (private)."""
