"""Stable node keys (platform + native id) and the normalisation of shared values."""

from __future__ import annotations

import ipaddress
import re
from urllib.parse import urlsplit

PLATFORMS = frozenset({"twitter", "facebook", "instagram", "youtube", "telegram", "tiktok", "web"})


def _check_platform(platform: str) -> str:
    p = platform.strip().lower()
    if p not in PLATFORMS:
        raise ValueError(f"unknown platform {platform!r}; known: {', '.join(sorted(PLATFORMS))}")
    return p


def account_key(platform: str, native_id: str) -> str:
    """`twitter:12345`: the platform and its own id, kept verbatim (hashed ids too)."""
    native = native_id.strip()
    if not native:
        raise ValueError("empty id")
    return f"{_check_platform(platform)}:{native}"


# The archives' redacted ids: base64 of a digest (40-45 characters, e.g. 43 plus one `=`);
# coordination datasets' redacted ids: hex MD5, SHA-1 or SHA-256 digests.
_BASE64_HASH = re.compile(r"[A-Za-z0-9+/]{38,45}={0,2}", re.ASCII)
_HEX_DIGEST = re.compile(r"[0-9a-f]{32}|[0-9a-f]{40}|[0-9a-f]{64}", re.ASCII | re.IGNORECASE)


def is_hashed_id(platform: str, native_id: str) -> bool:
    """Whether an id is a redacted hash rather than the platform's own id.

    Twitter ids are decimal; the archives replace small accounts' ids with base64 hashes, and
    coordination datasets with hex digests. Any other non-numeric id (`TW_123`, a handle, a
    dataset's own numbering) is not taken for a hash.
    """
    if platform != "twitter":
        return False
    value = native_id.strip()
    if value.isdigit():
        return False
    if _HEX_DIGEST.fullmatch(value):
        return True
    # A base64 digest mixes cases and digits; a long handle-like word does not.
    return bool(_BASE64_HASH.fullmatch(value)) and (
        value.endswith("=") or any(c in value for c in "+/") or _mixed(value)
    )


def _mixed(value: str) -> bool:
    return (
        any(c.isdigit() for c in value)
        and any(c.islower() for c in value)
        and any(c.isupper() for c in value)
    )


def normalise_ip(text: str) -> str:
    """`str(ipaddress.ip_address(...))`: one spelling per address, v4 and v6."""
    return str(ipaddress.ip_address(text.strip()))


def subnet_of(address: str) -> str:
    """The /24 of an IPv4 address or the /48 of an IPv6 one."""
    ip = ipaddress.ip_address(address)
    prefix = 24 if ip.version == 4 else 48
    return str(ipaddress.ip_network(f"{ip}/{prefix}", strict=False))


def normalise_domain(host: str) -> str:
    h = host.strip().lower().rstrip(".")
    if h.startswith("www."):
        h = h[4:]
    if not h or " " in h:
        raise ValueError(f"not a domain: {host!r}")
    return h


def domain_of(url: str) -> str:
    """The registrable-looking host of a URL, lower-cased, without `www.`."""
    parts = urlsplit(url.strip())
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValueError(f"not an http(s) URL: {url!r}")
    return normalise_domain(parts.hostname)


def object_key(label: str, platform: str, native_id: str) -> str:
    """The key of a shared object: posts are per platform, the rest are global values."""
    value = native_id.strip()
    if not value:
        raise ValueError("empty object id")
    if label == "Post":
        return account_key(platform, value)
    if label == "Hashtag":
        tag = value.lstrip("#").lower()
        if not tag:
            raise ValueError("empty hashtag")
        return tag
    if label == "Url":
        domain_of(value)  # validates
        return value
    if label == "Domain":
        return normalise_domain(value)
    return value
