"""One module per activity type Cirrus processes; each guards its own preconditions and is
idempotent (SQS may deliver a message twice, and servers resend activities)."""
