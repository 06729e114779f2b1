"""Amazon Transcribe completions (domain/amazon_transcribe.py)."""
