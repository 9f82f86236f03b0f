"""A real SMTP server for the reminder tests (aiosmtpd, from PyPI).

python3 smtp_sink.py PORT OUT CONTROL: listens on 127.0.0.1:PORT; every
message accepted is appended to OUT as one JSON line (envelope, decoded
headers, the text and HTML parts, whether the client authenticated).
While the file CONTROL holds an SMTP answer ("451 4.3.0 Try again
later"), every message is refused with it. With SINK_USER and
SINK_PASSWORD in the environment, AUTH (PLAIN or LOGIN, without TLS) is
required and checked. Prints "ready" once it accepts connections, and
stops when its standard input closes.
"""

import email
import json
import logging
import os
import sys
import warnings
from email import policy

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

# AUTH without TLS is what the test wants (127.0.0.1 only): no warnings.
warnings.simplefilter("ignore")
logging.getLogger("mail.log").setLevel(logging.ERROR)

port, out, control = int(sys.argv[1]), sys.argv[2], sys.argv[3]
user, password = os.environ.get("SINK_USER"), os.environ.get("SINK_PASSWORD")


def part(msg, kind):
    body = msg.get_body(preferencelist=(kind,))
    return body.get_content() if body is not None else None


class Handler:
    async def handle_DATA(self, server, session, envelope):
        try:
            with open(control, encoding="utf-8") as f:
                answer = f.read().strip()
        except FileNotFoundError:
            answer = ""
        if answer:
            return answer
        msg = email.message_from_bytes(envelope.content, policy=policy.default)
        record = {
            "mail_from": envelope.mail_from,
            "rcpt_tos": envelope.rcpt_tos,
            "from": str(msg["from"]),
            "to": str(msg["to"]),
            "subject": str(msg["subject"]),
            "message_id": str(msg["message-id"]),
            "content_language": str(msg["content-language"]),
            "text": part(msg, "plain"),
            "html": part(msg, "html"),
            "authenticated": bool(session.authenticated),
        }
        with open(out, "a", encoding="utf-8") as f:
            f.write(json.dumps(record, ensure_ascii=False) + "\n")
        return "250 2.0.0 Accepted"


def authenticator(server, session, envelope, mechanism, auth_data):
    ok = (
        isinstance(auth_data, LoginPassword)
        and auth_data.login.decode() == user
        and auth_data.password.decode() == password
    )
    return AuthResult(success=ok)


options = {}
if user:
    options = dict(authenticator=authenticator, auth_required=True, auth_require_tls=False)
controller = Controller(Handler(), hostname="127.0.0.1", port=port, **options)
controller.start()
print("ready", flush=True)
try:
    sys.stdin.read()
finally:
    controller.stop()
