"""Lambda entry points of federation's queues: broadcast (fan-out), deliver, and inbox."""
