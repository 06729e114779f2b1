"""DynamoDB persistence: PynamoDB models (models/) and one module per aggregate's access patterns."""
