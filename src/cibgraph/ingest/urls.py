"""One spelling per shared URL, and its registered domain, so that co-link evidence links up.

The same article reaches a graph in many spellings: with campaign tracking parameters, over
`http` and `https`, with and without `www.`, a trailing slash, a fragment, an upper-case host.
Each spelling would be its own Url node, and accounts sharing the one article would look
unrelated. `normalise_url` gives the key every loader uses for a Url node:

- the syntax canonicalised by `url-normalize` (scheme and host lower-cased, host in IDNA
  (punycode), default ports dropped, dot segments resolved, percent-escapes made uniform);
- `http` and `https` taken as one: the key always starts `https://`, and neither default port
  (80, 443) is kept;
- user names and passwords, the fragment (`#...`), a leading `www.` and a trailing `/` dropped;
- tracking parameters removed (`TRACKING_PARAMETERS`, and every `utm_*`), compared case-blind;
  the parameters left are sorted by name (stable, so repeated names keep their order), as
  Scrapy's and w3lib's canonical URLs do.

The path's case and the remaining parameters' values are kept: they name different pages.
The registered domain (`bbc.co.uk` for `news.bbc.co.uk`) comes from the Public Suffix List
snapshot that `tldextract` bundles, read offline (no fetch at run time); private suffixes count
(`user.github.io` and `x.blogspot.com` are their own domains: different people publish there).
A host with no public suffix (an IP address, `localhost`) is its own domain.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from urllib.parse import parse_qsl, quote, urlsplit, urlunsplit

import tldextract
from url_normalize import url_normalize

# Query parameters that say how a visitor arrived, never which page they asked for. Every
# parameter whose name starts with `utm_` (Google Analytics campaign tags) is dropped too.
TRACKING_PARAMETERS = frozenset(
    {
        "fbclid",  # Facebook click id
        "gclid",  # Google Ads click ids
        "gclsrc",
        "dclid",
        "gbraid",
        "wbraid",
        "msclkid",  # Microsoft Ads
        "yclid",  # Yandex
        "twclid",  # X / Twitter Ads
        "ttclid",  # TikTok Ads
        "li_fat_id",  # LinkedIn
        "igshid",  # Instagram share ids
        "igsh",
        "mc_cid",  # Mailchimp campaign and member
        "mc_eid",
        "_ga",  # Google Analytics cross-domain linker
        "_gl",
        "_hsenc",  # HubSpot
        "_hsmi",
        "mkt_tok",  # Marketo
        "oly_anon_id",  # Omeda
        "oly_enc_id",
        "vero_id",  # Vero
        "wickedid",  # Wicked Reports
        "rb_clickid",
        "s_cid",  # Adobe Analytics campaign
        "ref_src",  # X / Twitter's share widgets
        "ref_url",
    }
)
TRACKING_PREFIXES = ("utm_",)

_SAFE = "/:@!$'()*,;~"  # left unescaped in query names and values
_BARE = re.compile(r"[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+(:\d+)?(/|$)", re.ASCII)
_HOST = re.compile(r"[a-z0-9_.-]+|[0-9a-f:.]+", re.ASCII)  # a name, or an IPv6 address
# The bundled Public Suffix List only: no network access, no cache folder.
_SUFFIXES = tldextract.TLDExtract(
    suffix_list_urls=(), cache_dir=None, include_psl_private_domains=True
)


@dataclass(frozen=True)
class NormalisedUrl:
    """A URL's canonical form (the Url node's key), its host and its registered domain."""

    url: str
    host: str
    domain: str


def is_tracking_parameter(name: str) -> bool:
    """Whether a query parameter only tracks the visitor (`TRACKING_PARAMETERS`, `utm_*`)."""
    lowered = name.lower()
    return lowered in TRACKING_PARAMETERS or lowered.startswith(TRACKING_PREFIXES)


def registered_domain(host: str) -> str:
    """The domain a registrant holds under a public suffix (`bbc.co.uk`), or the host itself."""
    parts = _SUFFIXES.extract_str(host)
    if parts.domain and parts.suffix:
        return f"{parts.domain}.{parts.suffix}"
    return host


@lru_cache(maxsize=65_536)  # shared URLs repeat: most rows of a coordination file are repeats
def normalise_url(url: str, *, bare: bool = False) -> NormalisedUrl:
    """The canonical form of an http(s) URL (module docstring); `ValueError` if it is not one.

    `bare` also takes a URL without a scheme (`www.example.com/a`, `youtu.be/123`, as the
    coordination-network-toolkit's documentation writes them) as `https://`: only when the
    text before the first `/` looks like a host name with a dot.
    """
    text = url.strip()
    if bare and "://" not in text and _BARE.match(text):
        text = f"https://{text}"
    before = urlsplit(text)
    if before.scheme.lower() not in ("http", "https") or not before.netloc:
        raise ValueError(f"not an http(s) URL: {url[:200]!r}")
    try:
        canonical = url_normalize(text)
        if canonical is None:
            raise ValueError("empty URL")
        parts = urlsplit(canonical)
        host, port = parts.hostname or "", parts.port
    except ValueError as exc:  # url-normalize and urlsplit raise ValueError on bad hosts
        raise ValueError(f"not an http(s) URL: {url[:200]!r} ({exc})") from None
    if not _HOST.fullmatch(host):
        raise ValueError(f"not an http(s) URL: {url[:200]!r} (bad host {host[:80]!r})")
    if host.startswith("www."):
        host = host[4:]
    netloc = f"[{host}]" if ":" in host else host
    if port not in (None, 80, 443):  # http and https are one: both defaults go
        netloc += f":{port}"
    query = [
        (name, value)
        for name, value in parse_qsl(parts.query, keep_blank_values=True)
        if not is_tracking_parameter(name)
    ]
    query.sort(key=lambda pair: pair[0])
    path = parts.path.rstrip("/")
    # Escaped as url-normalize escapes: a space as %20; `/`, `:` and the like left as they are.
    encoded = "&".join(f"{quote(n, safe=_SAFE)}={quote(v, safe=_SAFE)}" for n, v in query)
    key = urlunsplit(("https", netloc, path, encoded, ""))
    return NormalisedUrl(url=key, host=host, domain=registered_domain(host))
