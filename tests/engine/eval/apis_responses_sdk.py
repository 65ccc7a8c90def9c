# Eval file: the SDK's Responses API websocket (`client.responses.connect()`), not the
# Realtime API: even a create whose keys are unknown (`**options`) belongs to it.
# Lines marked `# responses-ws` are the findings with `apis = ["realtime", "responses-ws"]`.
from openai import OpenAI


def answer(question, **options):
    client = OpenAI()
    with client.responses.connect() as connection:
        connection.response.create(**options)  # responses-ws
        connection.response.create(model="gpt-5-mini", input=question)  # responses-ws
        for event in connection:
            if event.type == "response.completed":
                return event
