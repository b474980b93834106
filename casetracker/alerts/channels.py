"""Handing an alert over: email through SMTP and the team's group robot (WeCom, DingTalk,
Feishu). Each send says how it went: sent, transient (try again later) or permanent (give
up, and show why). Nothing here touches the database."""

import base64
import hashlib
import hmac
import json
import smtplib
import time
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formatdate
from urllib.parse import quote

import httpx

from casetracker.alerts.models import Outcome
from casetracker.core.settings import Settings

TIMEOUT_SECONDS = 10
# Robots answer HTTP 200 with an error code in the body; these mean "too many, later".
RATE_LIMITED = {45009, 130101, 90030, 11232, 9499}
ROBOT_KINDS = ("wecom", "dingtalk", "feishu")


@dataclass(frozen=True)
class Result:
    outcome: Outcome
    error: str = ""


SENT = Result(Outcome.SENT)


@dataclass(frozen=True)
class Mail:
    to: str
    subject: str
    text: str
    html: str
    key: str  # the delivery's key: the Message-ID, the same on every try


def send_mail(settings: Settings, mail: Mail) -> Result:
    message = EmailMessage()
    message["From"] = settings.smtp_from or settings.smtp_user or "casetracker@localhost"
    message["To"] = mail.to
    message["Subject"] = mail.subject
    message["Date"] = formatdate(localtime=True)
    message["Message-ID"] = f"<{mail.key}@casetracker>"
    message.set_content(mail.text)
    message.add_alternative(mail.html, subtype="html")
    try:
        with smtplib.SMTP(settings.smtp_host, settings.smtp_port, timeout=TIMEOUT_SECONDS) as smtp:
            smtp.ehlo()
            if settings.smtp_starttls and smtp.has_extn("starttls"):
                smtp.starttls()
                smtp.ehlo()
            if settings.smtp_user:
                smtp.login(settings.smtp_user, settings.smtp_password)
            smtp.send_message(message)
    except smtplib.SMTPRecipientsRefused as exc:
        codes = [code for code, _ in exc.recipients.values()]
        permanent = all(500 <= code < 600 for code in codes)
        return Result(Outcome.PERMANENT if permanent else Outcome.TRANSIENT, _smtp_words(exc))
    except smtplib.SMTPResponseException as exc:
        permanent = 500 <= exc.smtp_code < 600
        return Result(Outcome.PERMANENT if permanent else Outcome.TRANSIENT, _smtp_words(exc))
    except (TimeoutError, smtplib.SMTPException, OSError) as exc:
        return Result(Outcome.TRANSIENT, f"{type(exc).__name__}: {exc}")
    return SENT


def _smtp_words(exc: Exception) -> str:
    return f"{type(exc).__name__}: {exc}"[:1000]


def robot_body(kind: str, title: str, text: str) -> dict[str, object]:
    """The JSON a robot of this kind takes: markdown for WeCom and DingTalk, text for Feishu."""
    if kind == "dingtalk":
        return {"msgtype": "markdown", "markdown": {"title": title, "text": text}}
    if kind == "feishu":
        return {"msg_type": "text", "content": {"text": text}}
    return {"msgtype": "markdown", "markdown": {"content": text}}


def _signed(kind: str, url: str, secret: str, body: dict[str, object]) -> str:
    """DingTalk signs in the query (milliseconds), Feishu in the body (seconds)."""
    if not secret:
        return url
    if kind == "dingtalk":
        stamp = str(int(time.time() * 1000))
        digest = hmac.new(secret.encode(), f"{stamp}\n{secret}".encode(), hashlib.sha256)
        sign = quote(base64.b64encode(digest.digest()).decode())
        return f"{url}{'&' if '?' in url else '?'}timestamp={stamp}&sign={sign}"
    if kind == "feishu":
        stamp = str(int(time.time()))
        digest = hmac.new(f"{stamp}\n{secret}".encode(), b"", hashlib.sha256)
        body["timestamp"], body["sign"] = stamp, base64.b64encode(digest.digest()).decode()
    return url


def send_robot(
    *, url: str, kind: str, secret: str, title: str, text: str, keys: list[str]
) -> Result:
    """One message to a group robot carrying the deliveries `keys` (comma-separated in the
    X-Casetracker-Delivery header, so a receiver can drop a repeat)."""
    body = robot_body(kind, title, text)
    target = _signed(kind, url, secret, body)
    try:
        answer = httpx.post(
            target,
            content=json.dumps(body, ensure_ascii=False).encode(),
            headers={
                "Content-Type": "application/json; charset=utf-8",
                "X-Casetracker-Delivery": ",".join(keys),
            },
            timeout=TIMEOUT_SECONDS,
        )
    except httpx.HTTPError as exc:
        return Result(Outcome.TRANSIENT, f"{type(exc).__name__}: {exc}"[:1000])
    words = f"HTTP {answer.status_code}: {answer.text[:500]}"
    if answer.status_code >= 500 or answer.status_code == 429:
        return Result(Outcome.TRANSIENT, words)
    if answer.status_code >= 400:
        return Result(Outcome.PERMANENT, words)
    return _robot_verdict(answer, words)


def _robot_verdict(answer: httpx.Response, words: str) -> Result:
    try:
        found = answer.json()
    except ValueError:
        return SENT  # a plain 200: accepted
    if not isinstance(found, dict):
        return SENT
    code = found.get("errcode", found.get("code", found.get("StatusCode", 0)))
    if code in (0, None, "0"):
        return SENT
    try:
        number = int(code)
    except (TypeError, ValueError):
        return Result(Outcome.PERMANENT, words)
    return Result(Outcome.TRANSIENT if number in RATE_LIMITED else Outcome.PERMANENT, words)
