# Eval file: an application's own domain events whose class names hold the word by chance.
# This module never names the voice API, so only names that start with the word count.
from app.domain import QueryResponseCreateEvent, ResponseCreateEvent, TicketResponseCreated


async def on_query_answered(bus, query):
    await bus.publish(QueryResponseCreateEvent(query))
    await bus.publish(TicketResponseCreated(query))
    await bus.publish(ResponseCreateEvent(query))  # RGT001
