"""Dispatches: the ledger of every send, and the work that empties it.

A send of an alert (or a weekly digest) is one ``Dispatch`` row with one
``Delivery`` row per recipient and channel (email; text message, ``sms``). The database is the ledger; Celery only
carries work (queued by name through ``advocacy.queueing``):

1. ``ledger.create_dispatch`` (the admin's "Send", ``manage.py send_alert``)
   makes exactly one Dispatch per alert and send number (a unique
   constraint: two clicks at once still make one) and enqueues ``prepare``.
2. ``preparing.prepare`` bulk-inserts the Delivery rows in keyset-paginated
   batches (memory stays flat whatever the list size; re-running it adds
   nothing) and starts ``ALERT_SENDERS`` sender loops after the first batch.
3. Each sender loop (``sender.run_sender``) repeatedly claims a chunk
   (``ledger.claim_batch``: ``SELECT … FOR UPDATE SKIP LOCKED`` on
   PostgreSQL, one atomic ``UPDATE`` on SQLite), sends it over one SMTP
   connection (``sender.send_chunk``) and writes the chunk's outcome in a few
   statements (``ledger.record_outcomes``, once per channel in the chunk;
   text messages go through the SMS gateway, ``sms.send_texts``, paced by
   SMS_SEND_RATE). A loop works for a bounded time,
   then re-enqueues itself. What each recipient reads comes from
   ``content`` (alerts per language, digests per subscriber).
4. Temporary failures are retried with exponential backoff and jitter kept
   in ``next_attempt_at``; permanent ones fail the row and suppress the
   address. ``upkeep.requeue_expired`` (beat) re-queues work whose claim
   expired (a killed worker) or whose retry is due, and finishes
   dispatches; ``upkeep.purge_deliveries`` deletes old per-recipient rows.

A Moderator's "send me a test" (``moderator_copy.send_test``) builds its
message the way the sender loop does.

Guarantees: no row is sent unless it was claimed, and its outcome is only
written by the holder of the claim; a worker killed mid-chunk loses nothing
(the claim expires and the row is sent again later, with the same
Message-ID), so a duplicate is at most a message that was in flight.
"""
