#!/usr/bin/env python3
"""A real SMTP server (aiosmtpd) for switchboard-channels' e-mail tests.

Usage: python3 smtp_sink.py [PORT]     (PORT defaults to 0: any free port)

Protocol with the test, on stdout, one line each:
  1. the bound port, as soon as the listener accepts connections;
  2. per accepted message, a JSON object: the envelope (mail_from, rcpt_tos), the
     raw message (data) and what Python's own e-mail parser decodes from it
     (subject, from, to, message_id, content_type, charset, body), so the test
     checks our encoding with an independent decoder.

Recipients are answered by their local part: reject@... gets 550 (permanent),
busy@... gets 451 (transient), anything else is accepted.

The sink exits when its stdin closes, so it cannot outlive a test that was killed.

aiosmtpd's Controller is not used: in 1.4 it checks readiness by connecting to the
configured port, which does not work with port 0, and picking a "free" port first
would race with parallel tests. A plain asyncio server reports the port it got.
"""

import asyncio
import email
import json
import os
import sys
import threading
from email import policy

try:
    from aiosmtpd.smtp import SMTP
except ImportError:
    sys.stderr.write("smtp_sink.py needs aiosmtpd: pip install aiosmtpd\n")
    sys.exit(2)


def header(msg, name):
    value = msg[name]
    return None if value is None else str(value)


class Sink:
    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        local = address.split("@", 1)[0].lower()
        if local == "reject":
            return "550 5.1.1 <%s>: recipient rejected" % address
        if local == "busy":
            return "451 4.3.0 mailbox busy, try again later"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        raw = envelope.original_content or envelope.content
        msg = email.message_from_bytes(raw, policy=policy.default)
        part = msg.get_body(preferencelist=("plain",))
        html = msg.get_body(preferencelist=("html",))
        record = {
            "mail_from": envelope.mail_from,
            "rcpt_tos": envelope.rcpt_tos,
            "data": raw.decode("utf-8", "replace"),
            "subject": header(msg, "subject"),
            "from": header(msg, "from"),
            "to": header(msg, "to"),
            "message_id": header(msg, "message-id"),
            "content_type": msg.get_content_type(),
            "charset": msg.get_content_charset(),
            "body": part.get_content() if part is not None else None,
            "html": html.get_content() if html is not None else None,
            "in_reply_to": header(msg, "in-reply-to"),
            "references": header(msg, "references"),
            "attachments": [
                [a.get_filename(), a.get_content_type(), len(a.get_content())]
                for a in msg.iter_attachments()
            ],
        }
        # ASCII-escaped JSON, so the pipe's locale encoding cannot matter.
        print(json.dumps(record), flush=True)
        return "250 2.0.0 Ok: queued"


def exit_when_stdin_closes():
    sys.stdin.read()
    os._exit(0)


async def main():
    port = int(sys.argv[1]) if len(sys.argv) > 1 else 0
    handler = Sink()
    loop = asyncio.get_running_loop()
    server = await loop.create_server(
        lambda: SMTP(handler, hostname="sink.test"), host="127.0.0.1", port=port
    )
    print(server.sockets[0].getsockname()[1], flush=True)
    threading.Thread(target=exit_when_stdin_closes, daemon=True).start()
    await server.serve_forever()


if __name__ == "__main__":
    asyncio.run(main())
