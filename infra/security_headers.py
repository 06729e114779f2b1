"""The security headers of the web client and the media: one definition for every front door.

CloudFront adds them with response headers policies (template.yaml and the CDK app:
WebSecurityPolicy, EmbedSecurityPolicy, and the security half of MediaCorsPolicy), the local
gateway (local/gateway.py) with the same values. tests/infra checks the template and the CDK
app against this module, tests/security the gateway's answers.

- The web client: a Content-Security-Policy without inline script or eval (tokens sit in
  localStorage: an injected script must not run), framing refused except for the embed page
  (PeerTube's /videos/embed/ is made to be framed by other sites), nosniff, a referrer
  policy, and HSTS on AWS (the local stack speaks plain http).
- Media (/static, /lazy-static): nosniff, and a policy that gives any document there (an SVG
  or HTML a remote server slipped in) no script, no subresources and a sandbox.
"""

from __future__ import annotations

EMBED_PREFIX = "/videos/embed/"
REFERRER_POLICY = "strict-origin-when-cross-origin"
HSTS_SECONDS = 63_072_000  # two years
MEDIA_CSP = "default-src 'none'; sandbox"


def web_csp(*, embed: bool = False, local: bool = False) -> str:
    """The web client's policy. Remote media, images and the tracker come from other hosts
    over https/wss (over http/ws too locally, where the AWS endpoint that takes direct uploads
    is a plain-http loopback address); scripts and workers only from the instance itself
    (hls.js starts its worker from a blob: URL). Styles allow inline `style` attributes, which
    React sets; they cannot run script."""
    remote = "https: wss: http: ws:" if local else "https: wss:"
    web = "https: http:" if local else "https:"
    directives = (
        ("default-src", "'none'"),
        ("script-src", "'self'"),
        ("worker-src", "'self' blob:"),
        ("style-src", "'self' 'unsafe-inline'"),
        ("img-src", f"'self' data: blob: {web}"),
        ("media-src", f"'self' blob: {web}"),
        ("connect-src", f"'self' {remote}"),
        ("font-src", "'self' data:"),
        ("manifest-src", "'self'"),
        ("frame-src", "'self'"),
        ("object-src", "'none'"),
        ("base-uri", "'self'"),
        ("form-action", "'self'"),
        ("frame-ancestors", "*" if embed else "'none'"),
    )
    return "; ".join(f"{name} {value}" for name, value in directives)


def is_embed(path: str) -> bool:
    return path.startswith(EMBED_PREFIX)


def web_headers(path: str, *, local: bool) -> dict[str, str]:
    """The headers of a web client answer (index.html, assets) for `path`."""
    embed = is_embed(path)
    headers = {
        "Content-Security-Policy": web_csp(embed=embed, local=local),
        "X-Content-Type-Options": "nosniff",
        "Referrer-Policy": REFERRER_POLICY,
    }
    if not embed:
        headers["X-Frame-Options"] = "DENY"
    if not local:
        headers["Strict-Transport-Security"] = f"max-age={HSTS_SECONDS}"
    return headers


def media_headers(*, local: bool) -> dict[str, str]:
    headers = {
        "Content-Security-Policy": MEDIA_CSP,
        "X-Content-Type-Options": "nosniff",
        "Referrer-Policy": REFERRER_POLICY,
    }
    if not local:
        headers["Strict-Transport-Security"] = f"max-age={HSTS_SECONDS}"
    return headers


def security_headers_config(csp: str, *, deny_framing: bool) -> dict[str, object]:
    """A ResponseHeadersPolicy's SecurityHeadersConfig (CloudFormation's spelling) with these
    values; every header overrides whatever the origin sent."""
    config: dict[str, object] = {
        "ContentSecurityPolicy": {"ContentSecurityPolicy": csp, "Override": True},
        "ContentTypeOptions": {"Override": True},
        "ReferrerPolicy": {"ReferrerPolicy": REFERRER_POLICY, "Override": True},
        "StrictTransportSecurity": {
            "AccessControlMaxAgeSec": HSTS_SECONDS,
            "IncludeSubdomains": False,
            "Preload": False,
            "Override": True,
        },
    }
    if deny_framing:
        config["FrameOptions"] = {"FrameOption": "DENY", "Override": True}
    return config


def camel(value: object) -> object:
    """CloudFormation's PascalCase keys in the CDK's L1 spelling (camelCase)."""
    if isinstance(value, dict):
        return {key[0].lower() + key[1:]: camel(item) for key, item in value.items()}
    return value
