# Eval file: SDK methods that send response.create, and look-alikes that do not.
import dashscope  # noqa: F401  (a realtime SDK with its own create_response())


class Agent:
    async def sdk_resource(self, conn):
        await conn.response.create(response={"instructions": "Hi"}, event_id="e1")  # RGT001

    async def voicelive_sdk(self, conn, note):
        await conn.response.create(additional_instructions=note)  # RGT001

    def realtime_sdk_method(self, conversation, msg_type):
        if msg_type == "response.create":
            conversation.create_response()  # RGT001

    async def on_its_own_line(self, conversation):
        await conversation.commit_audio()
        await conversation.create_response()  # RGT001

    def in_a_callback(self, recorder, conversation):
        _safe_call(recorder, "response.create.failed", lambda: conversation.create_response())  # RGT001: 64

    def orm_table_named_response(self, db, call_id):
        return db.response.create(call_id=call_id)

    def prisma_style(self, db, data):
        return db.response.create(data)

    async def own_method_through_self(self):
        await self.create_response()
        await super().create_response()


class HttpHandlers:
    def reply_builders_are_not_sends(self, intent_obj, request):
        return intent_obj.create_response()

    def built_then_returned(self, api):
        reply = api.create_response()
        return ApiResponse(status=404).create_response() or reply
