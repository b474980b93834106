"""Pure ASGI middlewares: the request's language, and the security headers of every answer."""

from http.cookies import SimpleCookie

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from casetracker.core import context, i18n

SECURITY_HEADERS = [
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"same-origin"),
    (
        b"content-security-policy",
        b"default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
        b"frame-ancestors 'none'; form-action 'self'",
    ),
]


# Sent only when the site is served over HTTPS (COOKIE_SECURE): browsers then refuse plain
# HTTP to it for a year.
HSTS = (b"strict-transport-security", b"max-age=31536000; includeSubDomains")


class LocaleAndHeaders:
    def __init__(self, app: ASGIApp, *, https: bool = False) -> None:
        self.app = app
        self.headers = SECURITY_HEADERS + [HSTS] if https else SECURITY_HEADERS

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        cookie_header = dict(scope["headers"]).get(b"cookie", b"").decode("latin-1")
        cookies = SimpleCookie()
        try:
            cookies.load(cookie_header)
        except Exception:  # a malformed cookie header is the client's problem, not a 500
            cookies = SimpleCookie()
        lang = cookies["lang"].value if "lang" in cookies else None
        token = i18n.current_locale.set(i18n.pick_locale(lang))
        client = scope.get("client")
        ip_token = context.client_ip.set(client[0] if client else None)
        is_docs = scope["path"] in ("/api/docs", "/api/redoc")

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start" and not is_docs:
                message.setdefault("headers", [])
                present = {name.lower() for name, _value in message["headers"]}
                # A response that sets its own policy (the packet preview) keeps it.
                message["headers"] = list(message["headers"]) + [
                    header for header in self.headers if header[0] not in present
                ]
            await send(message)

        try:
            await self.app(scope, receive, send_with_headers)
        finally:
            i18n.current_locale.reset(token)
            context.client_ip.reset(ip_token)
