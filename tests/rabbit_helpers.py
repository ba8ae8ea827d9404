"""The tests' own look at the machine's RabbitMQ, as an operator with `rabbitmqctl` would take
it: how many messages wait in a queue, and a queue deleted from under the service."""

from __future__ import annotations

import aio_pika

from conftest import run_async

AMQP = "amqp://guest:guest@127.0.0.1:5672/"


def queue_count(queue: str) -> int | None:
    """Ready messages in `queue`, or None while it does not exist."""

    async def go() -> int | None:
        connection = await aio_pika.connect(AMQP)
        async with connection:
            channel = await connection.channel()
            try:
                declared = await channel.declare_queue(queue, passive=True)
            except aio_pika.exceptions.ChannelClosed:
                return None
            return declared.declaration_result.message_count or 0

    return run_async(go())


def delete_queue(queue: str) -> None:
    async def go() -> None:
        connection = await aio_pika.connect(AMQP)
        async with connection:
            channel = await connection.channel()
            await channel.queue_delete(queue)

    run_async(go())
