"""One small module per page; each exposes create() which registers its routes."""
