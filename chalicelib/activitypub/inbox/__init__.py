"""Receiving federation: POSTs to the inboxes are checked here and queued (`receive`,
`message`), then processed once each from the queue (`dispatch`, with the blocklist gate) by
the handlers of `activities/`."""
