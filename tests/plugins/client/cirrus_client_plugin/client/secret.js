// Never declared: never served.
