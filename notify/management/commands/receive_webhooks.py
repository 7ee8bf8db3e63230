from django.conf import settings
from django.core.management.base import BaseCommand

from notify.receiver import ReceivedEvent, WebhookReceiver


class Command(BaseCommand):
    help = (
        "Receive Wangge webhooks: check each signature and timestamp (401 otherwise), act on each "
        "event once, print it. The demo's stand-in for a 12345 platform, and a tool for integrators."
    )

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8025)
        parser.add_argument(
            "--secret",
            default=settings.WANGGE_DEMO_WEBHOOK_SECRET,
            help="the webhook's signing secret (default: WANGGE_DEMO_WEBHOOK_SECRET)",
        )

    def handle(self, *args, host: str, port: int, secret: str, **options):
        receiver = WebhookReceiver(
            (host, port), secret, on_event=self.show, on_refused=self.show_refusal
        )
        self.stdout.write(f"Receiving webhooks at {receiver.url} (Ctrl-C stops)")
        try:
            receiver.serve_forever()
        except KeyboardInterrupt:
            pass
        finally:
            receiver.server_close()

    def show(self, event: ReceivedEvent, repeat: bool) -> None:
        payload = event.payload
        line = (
            f"{payload.get('at')} {event.key} case {payload.get('case')} {payload.get('action')} "
            f"{payload.get('from_status') or '-'} → {payload.get('to_status')} "
            f"grid {payload.get('grid')} department {payload.get('department') or '-'}"
        )
        if payload.get("note"):
            line += f" note: {payload['note']}"
        self.stdout.write(f"repeat, ignored: {event.key}" if repeat else line)

    def show_refusal(self, reason: str) -> None:
        self.stderr.write(f"refused (401): {reason}")
