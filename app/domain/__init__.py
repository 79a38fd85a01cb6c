"""Domain layer: plain Python rules of the product. Never imports Qt or storage."""
