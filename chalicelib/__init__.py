"""Everything the Cirrus Lambda functions run (packaged whole with app.py)."""
