"""Inbound booking line of a hair salon: Twilio media stream <-> OpenAI Realtime (test data).

Synthetic, written for respgate-lint's reason tests in the shape long production bridges
take: one tool dispatcher with many early error returns (a function_call_output, sometimes a
system note, then response.create), two success paths, except clauses, a server-error retry
and a graceful-failure branch, Hebrew prompts. Never imported by the tests; only fixed.
"""

import asyncio
import json
import logging
import time
from respgate_lint.runtime import GatedResponseMixin  # the reference gate

log = logging.getLogger("salon_line")

GREETING = "Greet the caller in Hebrew: 'שלום! הגעתם למספרה, איך אפשר לעזור?' 👋"


class SalonCallHandler(GatedResponseMixin):
    """One phone call."""

    def __init__(self, business_id, caller_number, calendar):
        self.business_id = business_id
        self.caller_number = caller_number
        self.call_goal = "appointment"
        self._calendar = calendar
        self._greeted = False
        self._retried_after_server_error = False
        self._booked_this_call = False
        self._started = time.monotonic()
        self._nudges = 0

    def _call_age(self):
        return time.monotonic() - self._started

    async def _add_system_note(self, client, text):
        await client.send_event({
            "type": "conversation.item.create",
            "item": {"type": "message", "role": "system",
                     "content": [{"type": "input_text", "text": text}]},
        })

    async def _send_output(self, client, call_id, payload):
        await client.send_event({
            "type": "conversation.item.create",
            "item": {"type": "function_call_output", "call_id": call_id,
                     "output": json.dumps(payload, ensure_ascii=False)},
        })

    # -- server events -------------------------------------------------------------------
    async def on_realtime_event(self, client, event):
        event_type = event.get("type", "")
        if event_type == "session.updated":
            if not self._greeted:
                self._greeted = True
                await client.send_event({"type": "response.create",
                                         "response": {"instructions": GREETING}})
        elif event_type == "response.done":
            response = event.get("response") or {}
            status = response.get("status")
            details = response.get("status_details") or {}
            if status == "failed":
                error = details.get("error") or {}
                if error.get("type") == "server_error":
                    log.warning("🔥 [SERVER_ERROR] realtime server error: %s", error)
                    # Try once more when this call has not retried yet and is still young
                    if not self._retried_after_server_error and self._call_age() < 45:
                        self._retried_after_server_error = True
                        log.info("🔄 [SERVER_ERROR] retrying the last response")
                        await asyncio.sleep(0.3)
                        try:
                            await client.send_event({"type": "response.create"})
                        except ConnectionError as exc:
                            log.error("could not send it: %s", exc)
                    else:
                        # Second failure in a row: graceful failure, the model ends the call
                        log.error("🚨 [SERVER_ERROR] second failure, ending the call politely")
                        await self._add_system_note(client, "Technical issue. Apologise, end the call.")
                        try:
                            await client.send_event({"type": "response.create"})
                        except ConnectionError:
                            pass
        elif event_type == "response.function_call_arguments.done":
            await self._run_tool(client, event["name"], event["call_id"],
                                 event.get("arguments") or "{}")

    async def silence_watchdog(self, client):
        """Nudge a caller who went quiet, twice at most."""
        while True:
            await asyncio.sleep(1.0)
            if self._nudges < 2 and self._call_age() > 8:
                self._nudges += 1
                await client.send_event({"type": "response.create", "response": {
                    "instructions": "Ask gently whether the caller is still there."}})

    # -- tools ---------------------------------------------------------------------------
    async def _run_tool(self, client, name, call_id, arguments):
        if name == "check_availability":
            try:
                args = json.loads(arguments)
                day = (args.get("date") or "").strip()
                if not day:
                    await self._send_output(client, call_id,
                                            {"success": False, "error_code": "missing_date"})
                    await client.send_event({"type": "response.create"})
                    return
                slots = await self._calendar.free_slots(self.business_id, day)
                if slots:
                    output = {"success": True, "date": day, "slots": slots[:3]}
                else:
                    output = {"success": False, "error_code": "no_slots", "date": day}
                await client.send_event({
                    "type": "conversation.item.create",
                    "item": {"type": "function_call_output", "call_id": call_id,
                             "output": json.dumps(output, ensure_ascii=False)},
                })
                await client.send_event({"type": "response.create"})
            except json.JSONDecodeError as exc:
                log.warning("bad arguments for check_availability: %s", exc)
                await self._send_output(client, call_id, {"success": False, "error": str(exc)})
                await client.send_event({"type": "response.create"})
            except Exception:
                log.exception("calendar lookup failed")
                await self._send_output(client, call_id,
                                        {"success": False, "error_code": "calendar_unreachable"})
                await client.send_event({"type": "response.create"})

        elif name == "book_appointment":
            try:
                args = json.loads(arguments)
            except json.JSONDecodeError:
                await self._send_output(client, call_id,
                                        {"success": False, "error_code": "invalid_arguments"})
                await client.send_event({"type": "response.create"})
                return

            business_id = getattr(self, "business_id", None)
            if not business_id:
                log.error("❌ no business id on this call")
                await client.send_event({
                    "type": "conversation.item.create",
                    "item": {"type": "function_call_output", "call_id": call_id,
                             "output": json.dumps({"success": False, "error": "no_business_id"})},
                })
                await client.send_event({"type": "response.create"})
                return

            if getattr(self, "_booked_this_call", False):
                # one booking per call: the model must not book twice
                await self._send_output(client, call_id,
                                        {"success": False, "error_code": "already_booked"})
                await client.send_event({"type": "response.create"})
                return

            if self.call_goal != "appointment":
                await self._send_output(client, call_id, {"success": False})
                await client.send_event({"type": "response.create"})
                return

            customer = (args.get("customer_name") or "").strip()
            when = (args.get("when") or "").strip()
            if not customer:
                user_msg = "על איזה שם לרשום את התור?"
                await self._send_output(client, call_id, {
                    "success": False, "error_code": "missing_name", "user_message": user_msg})
                await self._add_system_note(client, f"Say exactly: {user_msg}")
                await client.send_event({"type": "response.create"})
                return
            if not when:
                await self._send_output(client, call_id, {"success": False})
                await client.send_event({"type": "response.create"})
                return

            slot = self._calendar.parse(when)
            if slot is None:
                await self._send_output(client, call_id,
                                        {"success": False, "error_code": "invalid_time"})
                await client.send_event({"type": "response.create"})
                return
            if not await self._calendar.is_free(business_id, slot):
                log.info("slot %s is taken, offering alternatives", slot)
                alternatives = await self._calendar.nearest_free(business_id, slot, limit=2)
                await self._send_output(client, call_id, {
                    "success": False, "error_code": "slot_unavailable",
                    "alternatives": alternatives})
                await client.send_event({"type": "response.create"})
                return

            try:
                booking = await self._calendar.book(business_id, slot, customer)
            except (ValueError, KeyError) as exc:
                log.error("❌ booking rejected: %s", exc)
                await self._send_output(client, call_id,
                                        {"success": False, "error_code": "invalid_slot"})
                await client.send_event({"type": "response.create"})
                return
            except asyncio.TimeoutError:
                # calendar too slow: fall back to a call-back request instead of a booking
                await self._calendar.request_callback(business_id, customer, slot)
                await self._send_output(client, call_id, {"success": False})
                await client.send_event({"type": "response.create"})
                return

            if hasattr(booking, "booking_id"):
                self._booked_this_call = True
                await client.send_event({
                    "type": "conversation.item.create",
                    "item": {"type": "function_call_output", "call_id": call_id,
                             "output": json.dumps({"success": True,
                                                   "booking_id": booking.booking_id})},
                })
                await client.send_event({"type": "response.create", "response": {
                    "instructions": "Confirm the day and the time, then ask if there is more."}})
            elif isinstance(booking, dict):
                if booking.get("ok"):
                    self._booked_this_call = True
                    await self._send_output(client, call_id, {"success": True, **booking})
                    await client.send_event({"type": "response.create"})
                else:
                    code = booking.get("code", "unknown")
                    await self._send_output(client, call_id, {"success": False, "error_code": code})
                    await client.send_event({"type": "response.create"})
            else:
                log.error("unexpected booking result %r", booking)
                await self._send_output(client, call_id,
                                        {"success": False, "error_code": "server_error"})
                await client.send_event({"type": "response.create"})

        else:
            log.warning("⚠️ unknown tool %s", name)
            await self._send_output(client, call_id, {"success": False, "error": f"unknown tool {name}"})
            await client.send_event({"type": "response.create"})
