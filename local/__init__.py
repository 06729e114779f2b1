"""The embedded stack that runs Cirrus on a laptop with no AWS account. Never shipped to Lambda."""
