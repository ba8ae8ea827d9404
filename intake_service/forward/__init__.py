"""Forwarding: the outbox written in the same transaction as each appeal, and the sinks it is
delivered to. Today the embedded queue (always on); RabbitMQ and webhook sinks drain the same
outbox through the same states."""
