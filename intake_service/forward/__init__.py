"""Forwarding: the outbox written in the same transaction as each appeal, and the sinks it is
delivered to. The embedded queue (on unless an organisation turns it off); RabbitMQ and webhook
sinks drain the same outbox through the same states, and so does the `mail` sink that sends the
notices' e-mails (`mailer.py`, rendered by `mail_render.py` from `templates/mail/`)."""
