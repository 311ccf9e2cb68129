# ruff: noqa: RUF001  # the Chinese texts use full-width punctuation on purpose
"""A seeded synthetic investigation modelled on the 2019 Hong Kong case, written as a CSV bundle.

The bundle holds a state-backed network (twitter accounts created in bursts, one handle pattern,
one client app, a few unblocked mainland IPs and many VPN exits, facebook pages and groups run
by a handful of admin accounts, coordinated retweets and link shares within seconds of each
other) hidden among organic accounts and three confounders a naive method would sweep in: users
behind popular VPN exits and carrier-grade NAT addresses, organic viral retweet waves, and a fan
community that follows the same pages and each other. `truth.csv` says which is which;
`attributions.csv` holds only the part a platform disclosed.

Layout of the output folder: `bundle/` (the neutral bundle, docs/bundle.md), `shares/posts.csv`,
`shares/urls.csv`, `shares/hashtags.csv` (share events, one object type per file),
`posts/texts.csv` (posts with their text, language and client: cibgraph.ingest.demo_posts),
`truth.csv` and `manifest.json`.

The state network also leaves the traces of text and time the 2019 analyses found: cells post
one message in Chinese as exact copies and near-copies, in Beijing office hours (UTC+8); the
accounts created before the bursts were bought, with years of English or Indonesian spam from
marketing tools at American hours, then months of silence, then Chinese from the network's client
in the same three weeks ("test new owner"). Four more confounders leave one of those traces
innocently: news-headline bots posting identical headlines, fans copying song lyrics, a night
shift posting in one time zone's small hours, and people who start posting in another language.

Everything comes from `random.Random` seeded by the seed and a section name, so one seed and one
scale give byte-identical files (on one Python minor version). Rows are streamed to disk; only
the ids that later sections refer to are kept, in compact arrays. Addresses come from reserved
ranges only (TEST-NET-1/2/3, the 198.18.0.0/15 benchmarking block, 100.64.0.0/10 for CGNAT and
2001:db8::/32), domains from the reserved `.example` names.
"""

from __future__ import annotations

import calendar
import csv
import hashlib
import ipaddress
import json
import math
import random
import time
from array import array
from collections import deque
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from functools import cache
from itertools import accumulate
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final, Protocol, TextIO

if TYPE_CHECKING:
    from neo4j import Driver

    from cibgraph.ingest.base import Loader, LoadReport

CAMPAIGN: Final = "demo_hk_2019"
DEFAULT_SEED: Final = 20190819
DEFAULT_OUT: Final = Path("demo-data")
MAX_SCALE: Final = 1000.0  # twitter account ids keep a unique 22-bit index per account

_ACCOUNT_COLUMNS = "platform,id,handle,name,description,location,profile_url,created_at,followers"
SHARE_COLUMNS: Final = ("object_id", "account_id", "content_id", "timestamp_share")
# posts/texts.csv: one post with its text, language and client (epoch seconds), the demo's own.
POST_COLUMNS: Final = (
    "platform",
    "account_id",
    "post_id",
    "timestamp",
    "language",
    "client",
    "text",
)
HEADERS: Final[dict[str, tuple[str, ...]]] = {
    name: tuple(header.split(","))
    for name, header in (
        ("bundle/accounts.csv", _ACCOUNT_COLUMNS + ",following,language,client"),
        ("bundle/pages.csv", "platform,id,name,description,created_at,followers"),
        ("bundle/groups.csv", "platform,id,name,description,created_at,members"),
        ("bundle/page_admins.csv", "platform,account_id,page_id,role"),
        ("bundle/group_admins.csv", "platform,account_id,group_id,role"),
        ("bundle/group_members.csv", "platform,account_id,group_id,joined_at"),
        ("bundle/follows.csv", "platform,follower_id,target_id,target_type"),
        ("bundle/ip_logins.csv", "platform,account_id,ip,first_seen,last_seen,count,access"),
        ("bundle/attributions.csv", "entity_type,platform,entity_id,campaign,note"),
        ("shares/posts.csv", ",".join(SHARE_COLUMNS)),
        ("shares/urls.csv", ",".join(SHARE_COLUMNS)),
        ("shares/hashtags.csv", ",".join(SHARE_COLUMNS)),
        ("posts/texts.csv", ",".join(POST_COLUMNS)),
        ("truth.csv", "entity_type,platform,entity_id,group"),
    )
}
MANIFEST: Final = "manifest.json"


class Group(StrEnum):
    """The true role of a generated entity (`truth.csv`)."""

    STATE = "state"
    ORGANIC = "organic"
    VPN_CGNAT = "vpn_cgnat_users"
    VIRAL = "viral_wave"
    FAN = "fan_community"
    NEWS_BOTS = "news_bots"
    NIGHT_SHIFT = "night_shift"
    LANGUAGE_CHANGERS = "language_changers"


# Counts at scale 1; every one is multiplied by the scale (at least 1 each).
BASE_COUNTS: Final[dict[str, int]] = {
    "state_twitter": 300,
    "state_facebook": 5,
    "state_pages": 7,
    "state_groups": 3,
    "state_page_followers": 15_500,
    "state_operations": 450,
    "unblocked_ips": 4,
    "state_vpn_exits": 8,
    "hosting_ips": 2,
    "organic_twitter": 2_000,
    "influencers": 100,
    "popular_posts": 1_500,
    "organic_urls": 3_000,
    "organic_facebook": 1_200,
    "organic_pages": 12,
    "organic_groups": 6,
    "vpn_cgnat_users": 1_200,
    "popular_vpn_exits": 6,
    "cgnat_addresses": 4,
    "viral_wave": 600,
    "viral_waves": 5,
    "fan_community": 250,
    "fan_pages": 3,
    "fan_groups": 1,
    "state_messages": 160,
    "news_bots": 10,
    "night_shift": 40,
    "language_changers": 40,
}
NEWS_HEADLINES: Final = 150  # every news bot posts each of them: not scaled
CELL_SIZE: Final = 30  # state accounts are run in cells of about this size, at every scale

TWITTER_EPOCH_MS: Final = 1_288_834_974_657
DAY: Final = 86_400


@cache
def _ts(text: str) -> int:
    return calendar.timegm(time.strptime(text, "%Y-%m-%dT%H:%M:%S"))


def iso(ts: int) -> str:
    """Epoch seconds as ISO 8601 UTC with a `Z`."""
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(ts))


def _lines(text: str) -> tuple[str, ...]:
    return tuple(line.strip() for line in text.strip().splitlines())


def _words(text: str) -> tuple[str, ...]:
    return tuple(text.split())


def _pairs(text: str) -> tuple[tuple[str, str], ...]:
    """`name | description` lines."""
    return tuple((a.strip(), b.strip()) for a, _, b in (ln.partition("|") for ln in _lines(text)))


WINDOW_START: Final = _ts("2019-06-09T00:00:00")  # the first million-strong march
WINDOW_END: Final = _ts("2019-08-17T00:00:00")  # two days before the takedown was disclosed
# (first day, share of the state accounts, first hour UTC, span in hours); the rest are older
# accounts bought or repurposed.
STATE_BURSTS: Final = (
    (_ts("2017-08-18T00:00:00"), 0.32, 1, 5),
    (_ts("2017-08-30T00:00:00"), 0.40, 2, 4),
    (_ts("2017-09-12T00:00:00"), 0.13, 6, 3),
)
STATE_CLIENT: Final = "Twitter Web Client"
ORGANIC_CLIENTS: Final = _lines("""
    Twitter for iPhone
    Twitter for Android
    Twitter Web App
    Twitter Web Client
    TweetDeck
    Twitter for iPad
""")
ORGANIC_CLIENTS_CUM: Final = tuple(accumulate((35, 30, 15, 8, 5, 7)))

PINYIN_SURNAMES: Final = _words("Wang Li Zhang Liu Chen Yang Zhao Huang Zhou")
PINYIN_GIVEN: Final = _words("Wei Fang Na Min Jing Lei Jun Qiang Xiuying Hao")
HANZI_NAMES: Final = _words("王伟 李娜 张敏 刘洋 陈静 杨帆 赵磊 黄勇 周杰 吴霞")
HK_SURNAMES: Final = _words("Chan Wong Lee Cheung Lau Ng Ho Leung Tsang Yip")
HK_GIVEN: Final = tuple(
    g.replace("_", " ")
    for g in _words("Ka_Yan Wing_Sze Chi_Ming Kelly Jason Carmen Ivan Mandy Kenneth Hoi_Ling Tommy")
)
HANDLE_WORDS: Final = _words("hk lionrock harbour kowloon daily cafe runner cat")
# Most people leave description and location empty, hence the repeated empty entries.
STATE_DESCRIPTIONS: Final = (
    "",
    "",
    "",
    *_lines("""
    热爱祖国 热爱香港
    守护香港 反对暴力
    Love China, love Hong Kong
    新闻 时事 评论
    一个普通的中国人
    Peace and prosperity for HK
"""),
)
ORGANIC_DESCRIPTIONS: Final = (
    "",
    "",
    "",
    "Runner, reader.\nTweets in English and 廣東話",
    *_lines("""
    HK | coffee | hiking
    Photographer based in Hong Kong
    Journalist. Views my own.
    香港人 加油
    Student, HK
    Cat person, tea drinker
    Designer, Sham Shui Po
"""),
)
STATE_LOCATIONS: Final = ("", "", "", "Hong Kong", "香港", "China", "中国", "Beijing")
ORGANIC_LOCATIONS: Final = (
    "",
    "",
    "Hong Kong",
    "香港",
    "Kowloon",
    *_lines("""
    London, UK
    Taipei
    Sydney
    Vancouver
    Singapore
"""),
)
STATE_LANGUAGES: Final = ("zh-cn",) * 7 + ("en",) * 2 + ("zh-tw",)
ORGANIC_LANGUAGES: Final = ("en",) * 9 + ("zh-tw",) * 5 + ("zh-cn", "ja", "zh-hk", "fr")

STATE_PAGES: Final = _pairs("""
    香港真相 | 每日真相 拒绝假新闻
    Hong Kong Truth Daily | The facts about Hong Kong the foreign media will not tell you.
    守護香港 | 守護香港 止暴制亂
    HK Peace & Order | Peace, order and prosperity for Hong Kong.
    港人心聲 | 沉默的大多數
    Voice of Lion Rock | Ordinary Hongkongers for a stable home.
    和平香港 | 反對暴力 支持警察
""")
STATE_GROUPS: Final = _pairs("""
    香港和平論壇 | 理性討論 香港前途
    Hong Kong Stability Forum | For everyone who wants Hong Kong to return to normal.
    愛國愛港聯盟 | 愛國愛港 人人有責
""")
ORGANIC_PAGES: Final = _pairs("""
    Kowloon Street Food | Where to eat tonight.
    HK Hiking Trails | Trails, weather and photos from the hills.
    Lion Rock Photography | Photos of the city we love.
    Harbour News Network | Independent local news.
    Wan Chai Book Club | One book a month.
    Sham Shui Po Makers | Fabric, electronics and craft.
    HK Cat Rescue | Adopt, don't shop.
    Tsim Sha Tsui Cafe Guide | Coffee reviews.
    Cantonese Word of the Day | 每日一詞
    Victoria Harbour Runners | Weekly runs along the harbour.
    Island Line Commuters | Service updates from fellow riders.
    New Territories Cycling | Routes and meet-ups.
""")
ORGANIC_GROUPS: Final = _pairs("""
    Hong Kong Expats | Questions and answers for newcomers.
    HK Parents Network | Schools, playgrounds, advice.
    Kowloon Buy & Sell | Second-hand everything.
    Cantopop Lovers | Old and new.
    HK Photographers | Share your shots.
    Tai Po Neighbours | Our district.
""")
FAN_PAGES: Final = _pairs("""
    Stellar Boys 星光男孩 Official | The official page of Stellar Boys.
    Stellar Boys Fan Club HK | Fans of Stellar Boys in Hong Kong.
    星光男孩 Daily | 每日星光
""")
FAN_GROUPS: Final = _pairs("Stellar Boys Fans United 星迷會 | For every Stellar Boys fan.")
STATE_PAGE_ROLES: Final = ("editor", "moderator", "advertiser", "analyst")

STATE_DOMAINS: Final = ("hk-truth.example", "lionrock-voice.example", "cn-daily.example")
ORGANIC_DOMAINS: Final = _words(
    "news.example.org www.example.com hk.example.net blog.example.org video.example.net"
)
STATE_TAGS: Final = _words(
    "HongKong 香港 StopViolence 止暴制亂 HongKongRiots SupportHKPolice 撐警 守護香港"
)
ORGANIC_TAGS: Final = _words(
    "HongKong StandWithHongKong hongkong antiELAB 香港 HongKongProtests 反送中 Cantopop HKFood"
    " hiking photography MTR FIFAWWC typhoon"
)
# Relative activity of organic users per UTC hour (Hong Kong is UTC+8: busy 08:00 to 01:00).
ORGANIC_HOURS_CUM: Final = tuple(
    accumulate((6, 7, 7, 6, 6, 6, 6, 7, 8, 9, 10, 11, 12, 12, 11, 10, 8, 5, 3, 2, 1, 1, 2, 4))
)
HOURS: Final = tuple(range(24))

# The state network's messages: an opener, a claim and a call, numbered per message.
ZH_OPENERS: Final = _lines("""
    香港是中国的香港，
    大家看清楚了，
    真相只有一个：
    我们要说的是，
    请所有香港市民注意，
    外国势力又来了，
    事实胜于雄辩，
    爱国爱港的朋友们，
""")
ZH_CLAIMS: Final = _lines("""
    暴徒破坏社会秩序，必须依法严惩
    激进分子堵塞道路，影响市民上班
    少数人勾结外国势力，搞乱香港
    警察依法执法，守护香港安宁
    暴力行为没有任何借口，法治不容挑战
    示威者冲击立法会，严重违法
    香港经济受到严重打击，市民苦不堪言
    蟑螂们躲在口罩后面，不敢见人
""")
ZH_CALLS: Final = _lines("""
    支持香港警察，止暴制乱！
    请大家一起转发，让更多人看到真相
    守护香港，人人有责
    反对暴力，珍惜和平
    我们都是中国人，团结一心
    恢复秩序，还香港安宁
""")
# The bought accounts' earlier lives, and the tools that posted for them.
SPAM_CLIENTS: Final = ("IFTTT", "dlvr.it", "Hootsuite", "twittbot.net", "Twitter for Android")
EN_SPAM: Final = _lines("""
    Get {n}% off designer shoes today only! Code SHOE{k}
    Follow for daily crypto tips, {n}x gains guaranteed #{k}
    Best weight loss tea, {n} cups a day, order now {k}
    Win a free phone! Retweet and follow, draw number {k}
    New followers every day, {n} followers for $1, deal {k}
    Cheap flights to Bali from ${n}, offer {k}
""")
ID_SPAM: Final = _lines("""
    Promo hari ini diskon {n}% untuk semua produk, kode {k}
    Jual followers murah {n} ribu saja, hubungi admin {k}
    Obat pelangsing alami, hasil dalam {n} hari, pesan {k}
    Pulsa murah semua operator, diskon {n}% kode {k}
""")
OWNER_PHRASES: Final = (
    "test new owner",
    "Test new owner",
    "new owner test 1",
    "测试新主人",
    "此号已转让，新号主测试",
)
FEED_CLIENTS: Final = ("dlvr.it", "IFTTT", "twitterfeed", "Buffer", "SocialFlow")
NEWS_SUBJECTS: Final = _lines("""
    Hong Kong stocks
    The Legislative Council
    MTR Corporation
    The Observatory
    Cathay Pacific
    The Hospital Authority
    Hong Kong police
    The Education Bureau
    Protesters
    The airport authority
""")
NEWS_VERBS: Final = _words("announce warn report delay approve reject review extend suspend")
NEWS_OBJECTS: Final = _lines("""
    new measures for commuters
    a typhoon signal
    record trading volumes
    changes to the budget
    extra flights to Taipei
    a review of exam rules
    weekend service changes
    a public consultation
""")
NEWS_WHEN: Final = _lines("""
    on Monday
    this week
    after talks
    amid protests
    ahead of the holiday
    late on Friday
""")
# The lyrics fans post (a synthetic Cantopop song).
LYRICS: Final = _lines("""
    星光照亮我們的夜空 照亮你的心
    就算世界再冷 我也陪你走到最後
    Shine on me, shine on you, tonight
    我們的夢 不會停 不會醒
    Hold my hand until the morning light
    一起唱 一起笑 一起哭 一起飛
    星光男孩 永遠在一起 永遠不分開
    You are the star in my sky
""")
EN_CHAT: Final = _words(
    "coffee tired shift home sleep morning night rain bus tea ward patient quiet busy long"
    " break dinner breakfast movie game cat dog phone music friend weekend sunrise taxi noodles"
    " colleague boss happy sad finally again today tomorrow late early watching reading"
)
ZH_CHAT: Final = _words(
    "今天 天氣 很好 我們 一起 去 飲茶 落雨 返工 放工 好攰 食飯 朋友 電影 周末 行山 開心"
    " 咖啡 睇書 屋企 貓 狗 音樂 地鐵 巴士"
)


def _near_copy(rng: random.Random, text: str) -> str:
    """The text with a few characters changed, as someone retyping or editing it would."""
    edits: tuple[Callable[[str], str], ...] = (
        lambda t: t.replace("，", ","),
        lambda t: t + "！",
        lambda t: "转发：" + t,
        lambda t: t.replace("！", "!!"),
        lambda t: t.replace("香港", "HK", 1),
        lambda t: t + " 👍",
    )
    out = text
    for edit in rng.sample(edits, 2):
        out = edit(out)
    return out if out != text else text + "！！"


def scaled_counts(scale: float) -> dict[str, int]:
    """The entity and event counts at a scale (each at least 1)."""
    return {k: max(1, round(v * scale)) for k, v in BASE_COUNTS.items()}


@dataclass(frozen=True)
class DemoReport:
    """What `generate` wrote: where, from which seed and scale, how many rows, how long it took."""

    out: Path
    seed: int
    scale: float
    rows: dict[str, int]
    truth: dict[str, int]
    seconds: float


class _RowWriter(Protocol):
    def writerow(self, row: Iterable[Any], /) -> Any: ...


class _Bijection:
    """k -> (a*k + b) mod n: a seeded permutation of range(n) that is never stored."""

    def __init__(self, n: int, rng: random.Random) -> None:
        self.n = max(n, 1)
        a = rng.randrange(self.n // 2, self.n) if self.n > 2 else 1
        while math.gcd(a, self.n) != 1:
            a += 1
        self.a = a
        self.b = rng.randrange(self.n)

    def __call__(self, k: int) -> int:
        return (self.a * k + self.b) % self.n


class _AddressPool:
    """Distinct addresses from reserved IPv4 blocks (hosts .1-.254), then from 2001:db8::/32.

    IPv4 draws are spread over the blocks' /24s in a seeded order. IPv6 draws get their own
    /64 inside the pool's band of /48s (third hextet `band` .. `band` + 0xfff).
    """

    def __init__(self, rng: random.Random, *, v4: Sequence[str], band: int) -> None:
        self.rng = rng
        self.blocks = [
            (int(net.network_address), net.num_addresses // 256)
            for net in (ipaddress.IPv4Network(b) for b in v4)
        ]
        self.v4_total = sum(n24 * 254 for _, n24 in self.blocks)
        self.order = _Bijection(self.v4_total, rng)
        self.v4_used = 0
        self.v6_used = 0
        self.band = band

    def take(self, *, v6: bool = False) -> str:
        if not v6 and self.v4_used < self.v4_total:
            p = self.order(self.v4_used)
            self.v4_used += 1
            for base, n24 in self.blocks:
                if p < n24 * 254:
                    return str(ipaddress.IPv4Address(base + (p // 254) * 256 + p % 254 + 1))
                p -= n24 * 254
        k = self.v6_used
        self.v6_used += 1
        h3, h4 = self.band + k % 0x1000, k // 0x1000
        iid = self.rng.getrandbits(64) | 1
        return str(ipaddress.IPv6Address((0x20010DB8 << 96) | (h3 << 80) | (h4 << 64) | iid))


def _skewed(rng: random.Random, n: int, power: float) -> int:
    """An index in range(n), small ones far more likely (a cheap power-law pick)."""
    return min(n - 1, int(n * rng.random() ** power))


class _Bundle:
    """One run of the generator: open files, counters and the ids later sections refer to."""

    def __init__(self, out: Path, seed: int, scale: float) -> None:
        self.out = out
        self.seed = seed
        self.scale = scale
        self.n = scaled_counts(scale)
        self.files: dict[str, TextIO] = {}
        self.writers: dict[str, _RowWriter] = {}
        self.rows: dict[str, int] = dict.fromkeys(HEADERS, 0)
        self.truth: dict[str, int] = dict.fromkeys((g.value for g in Group), 0)
        # twitter populations
        self.state_tw = array("q")
        self.cells: list[array[int]] = []
        self.organic_tw = array("q")
        self.influencers = array("q")
        self.vpn_tw = array("q")
        self.viral_tw = array("q")
        self.news_tw = array("q")
        self.night_tw = array("q")
        self.changer_tw = array("q")
        self.state_old: list[tuple[int, int]] = []  # bought accounts: (id, created)
        # facebook populations
        self.state_fb = array("q")
        self.organic_fb = array("q")
        self.fan_fb = array("q")
        self.twitter_pools = {
            Group.ORGANIC: self.organic_tw,
            Group.VPN_CGNAT: self.vpn_tw,
            Group.VIRAL: self.viral_tw,
            Group.NEWS_BOTS: self.news_tw,
            Group.NIGHT_SHIFT: self.night_tw,
            Group.LANGUAGE_CHANGERS: self.changer_tw,
        }
        self.facebook_pools = {
            Group.STATE: self.state_fb,
            Group.ORGANIC: self.organic_fb,
            Group.FAN: self.fan_fb,
        }
        self.fb_created = {g: array("q") for g in (Group.STATE, Group.ORGANIC, Group.FAN)}
        # pages and groups by owner: (id, created)
        self.pages: dict[Group, list[tuple[int, int]]] = {}
        self.groups: dict[Group, list[tuple[int, int]]] = {}
        self.tweet_counter = 0
        # Snowflake ids end in 22 bits of worker and sequence numbers; a fixed permutation of
        # a running index fills them, unique and without exposing the order rows were made in.
        self.low_bits = _Bijection(1 << 22, self.rng("ids"))

    def rng(self, section: str) -> random.Random:
        # String seeds go through SHA-512: stable across processes, unlike hash().
        return random.Random(f"{self.seed}/{section}")

    def write(self, name: str, row: Sequence[object]) -> None:
        self.writers[name].writerow(row)
        self.rows[name] += 1

    def tweet_id(self, ts: int) -> int:
        """A snowflake id for a tweet at `ts`: a running counter decides the low bits and the
        milliseconds, so that no two tweets share an id (below four billion tweets)."""
        c = self.tweet_counter
        self.tweet_counter += 1
        low = self.low_bits(c & 0x3FFFFF)
        ms = ts * 1000 + ((c >> 22) + low) % 1000
        return ((ms - TWITTER_EPOCH_MS) << 22) | low

    def truth_row(self, entity_type: str, platform: str, entity_id: int, group: Group) -> None:
        self.write("truth.csv", (entity_type, platform, entity_id, group.value))
        self.truth[group.value] += 1

    def login(
        self,
        platform: str,
        account: int,
        ip: str,
        first: int,
        last: int,
        count: int,
        access: str,
    ) -> None:
        self.write(
            "bundle/ip_logins.csv",
            (platform, account, ip, iso(first), iso(max(first, last)), count, access),
        )

    # ---------------------------------------------------------------- run

    def run(self) -> None:
        for sub in ("bundle", "shares", "posts"):
            (self.out / sub).mkdir(parents=True, exist_ok=True)
        try:
            for name, header in HEADERS.items():
                fh = (self.out / name).open("w", encoding="utf-8", newline="")
                self.files[name] = fh
                self.writers[name] = csv.writer(fh, lineterminator="\n")
                self.writers[name].writerow(header)
            self._infrastructure()
            self._accounts()
            self._pages_and_groups()
            self._follows()
            self._shares()
            self._posts()
        finally:
            for f in self.files.values():
                f.close()
        self._manifest()

    def _infrastructure(self) -> None:
        """The shared addresses: who may use which is decided when the accounts are made."""
        rng = self.rng("infrastructure")
        n = self.n
        mainland = _AddressPool(rng, v4=["203.0.113.0/24"], band=0xC000)
        vpn = _AddressPool(rng, v4=["198.51.100.0/24"], band=0xA000)
        hosting = _AddressPool(rng, v4=["192.0.2.0/24"], band=0xB000)
        cgnat = _AddressPool(rng, v4=["100.64.0.0/10"], band=0xD000)
        self.residential = _AddressPool(rng, v4=["198.18.0.0/15"], band=0x1000)
        self.unblocked = [mainland.take() for _ in range(n["unblocked_ips"])]
        self.state_exits = [vpn.take(v6=i % 4 == 3) for i in range(n["state_vpn_exits"])]
        self.hosting = [hosting.take() for _ in range(n["hosting_ips"])]
        # The popular exits and CGNAT addresses, mixed, in blocks of ten: a user picks a block,
        # then one of its addresses with a strong preference for the first ones.
        popular = [vpn.take(v6=i % 3 == 2) for i in range(n["popular_vpn_exits"])]
        shared = [(ip, "vpn") for ip in popular] + [
            (cgnat.take(), "unknown") for _ in range(n["cgnat_addresses"])
        ]
        rng.shuffle(shared)
        self.popular_exits = popular
        self.shared = shared

    # ---------------------------------------------------------------- accounts

    def _accounts(self) -> None:
        """accounts.csv, ip_logins.csv and the accounts' truth and attribution rows, interleaved."""
        rng = self.rng("accounts")
        n = self.n
        kinds = (
            (Group.STATE, "twitter", n["state_twitter"]),
            (Group.ORGANIC, "twitter", n["organic_twitter"]),
            (Group.VPN_CGNAT, "twitter", n["vpn_cgnat_users"]),
            (Group.VIRAL, "twitter", n["viral_wave"]),
            (Group.NEWS_BOTS, "twitter", n["news_bots"]),
            (Group.NIGHT_SHIFT, "twitter", n["night_shift"]),
            (Group.LANGUAGE_CHANGERS, "twitter", n["language_changers"]),
            (Group.STATE, "facebook", n["state_facebook"]),
            (Group.ORGANIC, "facebook", n["organic_facebook"]),
            (Group.FAN, "facebook", n["fan_community"]),
        )
        plan = bytearray()
        for code, (_, _, count) in enumerate(kinds):
            plan.extend(bytes([code]) * count)
        rng.shuffle(plan)  # so that the row order gives nothing away
        n_twitter = sum(c for _, p, c in kinds if p == "twitter")
        n_facebook = len(plan) - n_twitter
        self.twitter_suffix = _Bijection(n_twitter, rng)
        self.facebook_suffix = _Bijection(n_facebook, rng)
        self.pattern_handles: set[str] = set()
        n_state = n["state_twitter"]
        bursts = bytearray()
        for i, (_, share, _, _) in enumerate(STATE_BURSTS):
            bursts.extend(bytes([i]) * round(n_state * share))
        bursts = (bursts + bytes([len(STATE_BURSTS)]) * n_state)[:n_state]
        rng.shuffle(bursts)
        disclosed = bytearray(b"\x01" * (n_state // 2 + n_state % 2) + b"\x00" * (n_state // 2))
        rng.shuffle(disclosed)
        self.cells = [array("q") for _ in range(max(1, round(n_state / CELL_SIZE)))]
        tw_index = fb_index = 0
        fb_next = 100_000_000_000_000
        for code in plan:
            group, platform, _ = kinds[code]
            if platform == "twitter":
                if group is Group.STATE:
                    burst = bursts[len(self.state_tw)]
                    attributed = disclosed[len(self.state_tw)] == 1
                    self._state_twitter(rng, tw_index, burst, attributed)
                else:
                    self._organic_twitter(rng, tw_index, group)
                tw_index += 1
            else:
                fb_next += rng.randint(1, 2_500_000)
                self._facebook_account(rng, fb_next, fb_index, group)
                fb_index += 1

    def _snowflake(self, rng: random.Random, created: int, index: int) -> int:
        ms = created * 1000 + rng.randrange(1000)
        return ((ms - TWITTER_EPOCH_MS) << 22) | self.low_bits(index)

    def _pattern_handle(self, rng: random.Random) -> str:
        """Letters and eight digits: the platform's default handle, which the network kept."""
        while True:
            letters = "".join(rng.choices("abcdefghijklmnopqrstuvwxyz", k=rng.randint(4, 8)))
            if rng.random() < 0.3:
                letters = letters.capitalize()
            handle = f"{letters}{rng.randrange(10**8):08d}"
            if handle.lower() not in self.pattern_handles:
                self.pattern_handles.add(handle.lower())
                return handle

    def _state_twitter(self, rng: random.Random, index: int, burst: int, attributed: bool) -> None:
        if burst < len(STATE_BURSTS):
            day, _, hour, span = STATE_BURSTS[burst]
            created = day + hour * 3600 + rng.randrange(span * 3600)
        else:
            created = rng.randrange(_ts("2012-01-01T00:00:00"), _ts("2017-01-01T00:00:00"))
        uid = self._snowflake(rng, created, index)
        if burst >= len(STATE_BURSTS):
            self.state_old.append((uid, created))
        if rng.random() < 0.5:
            name = rng.choice(HANZI_NAMES)
        else:
            name = f"{rng.choice(PINYIN_GIVEN)} {rng.choice(PINYIN_SURNAMES)}"
        self.write(
            "bundle/accounts.csv",
            (
                "twitter",
                uid,
                self._pattern_handle(rng),
                name,
                rng.choice(STATE_DESCRIPTIONS),
                rng.choice(STATE_LOCATIONS),
                "",
                iso(created),
                int(rng.lognormvariate(2.5, 1.0)),
                rng.randint(20, 400),
                rng.choice(STATE_LANGUAGES),
                STATE_CLIENT,
            ),
        )
        self.state_tw.append(uid)
        self.cells[rng.randrange(len(self.cells))].append(uid)
        self.truth_row("account", "twitter", uid, Group.STATE)
        if attributed:
            self.write(
                "bundle/attributions.csv",
                ("account", "twitter", uid, CAMPAIGN, "disclosed twitter account (synthetic)"),
            )
        self._state_logins(rng, "twitter", uid, created, unblocked_share=0.35)

    def _state_logins(
        self, rng: random.Random, platform: str, uid: int, created: int, *, unblocked_share: float
    ) -> None:
        """Some register and keep logging in from an unblocked mainland address; the rest (and
        some of those) go through VPN exits, partly the popular ones everybody uses."""
        vpn_from = created + rng.randrange(30 * DAY)
        if rng.random() < unblocked_share:
            k = min(len(self.unblocked), 2 if rng.random() < 0.2 else 1)
            for ip in rng.sample(self.unblocked, k):
                first = created + rng.randrange(3600)
                last = rng.randrange(WINDOW_START, WINDOW_END)
                self.login(
                    platform, uid, ip, first, last, int(rng.lognormvariate(3.5, 1)) + 1, "unblocked"
                )
            if rng.random() < 0.5:
                return
        used: set[str] = set()
        for _ in range(rng.randint(1, 3)):
            if rng.random() < 0.4:
                ip = rng.choice(self.popular_exits)
            else:
                ip = self.state_exits[_skewed(rng, len(self.state_exits), 1.5)]
            if ip in used:
                continue
            used.add(ip)
            first = vpn_from + rng.randrange(60 * DAY)
            last = rng.randrange(max(first, WINDOW_START), WINDOW_END)
            self.login(platform, uid, ip, first, last, int(rng.lognormvariate(3, 1)) + 1, "vpn")
        if rng.random() < 0.1:
            first = rng.randrange(WINDOW_START - 60 * DAY, WINDOW_START)
            self.login(
                platform,
                uid,
                rng.choice(self.hosting),
                first,
                rng.randrange(WINDOW_START, WINDOW_END),
                rng.randint(20, 900),
                "hosting",
            )

    def _organic_name(self, rng: random.Random) -> tuple[str, str]:
        given, surname = rng.choice(HK_GIVEN), rng.choice(HK_SURNAMES)
        stem = rng.choice(
            (
                given.replace(" ", "").lower() + surname.lower(),
                given.replace(" ", "").lower() + "_" + surname.lower(),
                surname.lower() + given[0].lower(),
                rng.choice(HANDLE_WORDS) + "_" + given.split()[0].lower(),
            )
        )
        return f"{given} {surname}", stem

    def _organic_twitter(self, rng: random.Random, index: int, group: Group) -> None:
        created = rng.randrange(_ts("2010-12-01T00:00:00"), _ts("2019-05-31T00:00:00"))
        uid = self._snowflake(rng, created, index)
        name, stem = self._organic_name(rng)
        if rng.random() < 0.03:  # some people never changed the default handle either
            handle = self._pattern_handle(rng)
        else:  # the suffix is unique per account and has fewer than eight digits
            handle = f"{stem}{self.twitter_suffix(index) + 10}"
        influencer = group is Group.ORGANIC and len(self.influencers) < self.n["influencers"]
        followers = int(
            rng.lognormvariate(10.5, 1.0) if influencer else rng.lognormvariate(4.5, 1.3)
        )
        profile_url = f"https://{stem.replace('_', '')}.example.net" if rng.random() < 0.1 else ""
        self.write(
            "bundle/accounts.csv",
            (
                "twitter",
                uid,
                handle,
                name,
                rng.choice(ORGANIC_DESCRIPTIONS),
                rng.choice(ORGANIC_LOCATIONS),
                profile_url,
                iso(created),
                followers,
                int(rng.lognormvariate(5, 1)),
                rng.choice(ORGANIC_LANGUAGES),
                rng.choices(ORGANIC_CLIENTS, cum_weights=ORGANIC_CLIENTS_CUM)[0],
            ),
        )
        self.twitter_pools[group].append(uid)
        if influencer:
            self.influencers.append(uid)
        self.truth_row("account", "twitter", uid, group)
        own = 1 if group is not Group.ORGANIC else (2 if rng.random() < 0.3 else 1)
        if group is Group.VPN_CGNAT:
            own = 1 if rng.random() < 0.5 else 0
            blocks = math.ceil(len(self.shared) / 10)
            picked: set[str] = set()
            for _ in range(2 if rng.random() < 0.5 else 1):
                b = rng.randrange(blocks)
                block = self.shared[b * 10 : b * 10 + 10]
                ip, access = block[_skewed(rng, len(block), 1.3)]
                if ip in picked:
                    continue
                picked.add(ip)
                first = rng.randrange(max(created, WINDOW_START - 365 * DAY), WINDOW_END)
                last = rng.randrange(first, WINDOW_END + 1)
                self.login(
                    "twitter", uid, ip, first, last, int(rng.lognormvariate(3, 1.2)) + 1, access
                )
        self._residential_logins(rng, "twitter", uid, created, own)

    def _residential_logins(
        self, rng: random.Random, platform: str, uid: int, created: int, count: int
    ) -> None:
        for _ in range(count):
            ip = self.residential.take(v6=rng.random() < 0.4)
            first = rng.randrange(max(created, WINDOW_START - 365 * DAY), WINDOW_END)
            last = rng.randrange(first, WINDOW_END + 1)
            self.login(
                platform, uid, ip, first, last, int(rng.lognormvariate(3, 1.2)) + 1, "unknown"
            )

    def _facebook_account(self, rng: random.Random, uid: int, index: int, group: Group) -> None:
        if group is Group.STATE:
            created = rng.randrange(_ts("2017-09-01T00:00:00"), _ts("2017-11-01T00:00:00"))
            name = (
                rng.choice(HANZI_NAMES)
                if rng.random() < 0.5
                else (f"{rng.choice(PINYIN_GIVEN)} {rng.choice(PINYIN_SURNAMES)}")
            )
            stem = name.split()[0].lower() if name.isascii() else "user"
            language, location = "zh-cn", rng.choice(STATE_LOCATIONS)
        else:
            lo = "2008-01-01T00:00:00" if group is Group.ORGANIC else "2012-01-01T00:00:00"
            created = rng.randrange(_ts(lo), _ts("2019-05-31T00:00:00"))
            name, stem = self._organic_name(rng)
            stem = stem.replace("_", ".")
            language, location = (
                rng.choice(("en", "zh-hk", "zh-hk", "zh-tw")),
                rng.choice(ORGANIC_LOCATIONS),
            )
        # Vanity names are optional; the numeric suffix keeps them unique.
        handle = f"{stem}.{self.facebook_suffix(index) + 10}" if rng.random() < 0.6 else ""
        self.write(
            "bundle/accounts.csv",
            (
                "facebook",
                uid,
                handle,
                name,
                "",
                location,
                "",
                iso(created),
                int(rng.lognormvariate(4, 1.2)),
                int(rng.lognormvariate(5, 0.8)),
                language,
                "",
            ),
        )
        self.truth_row("account", "facebook", uid, group)
        self.facebook_pools[group].append(uid)
        self.fb_created[group].append(created)
        if group is Group.STATE:
            self._state_logins(rng, "facebook", uid, created, unblocked_share=1.0)
        elif rng.random() < 0.6:
            self._residential_logins(rng, "facebook", uid, created, 1)

    # ---------------------------------------------------------------- pages and groups

    def _pages_and_groups(self) -> None:
        """pages.csv, groups.csv, their admins and members; the state pages are disclosed."""
        rng = self.rng("pages")
        n = self.n
        page_next, group_next = 200_000_000_000_000, 400_000_000_000_000
        page_specs: list[tuple[Group, str, str, int, int]] = []
        group_specs: list[tuple[Group, str, str, int, int]] = []
        totals = [rng.lognormvariate(0, 0.6) for _ in range(n["state_pages"])]
        target = n["state_page_followers"]
        followers = [int(target * w / sum(totals)) for w in totals]
        followers[0] += target - sum(followers)
        for group, names, count, created_from, created_to in (
            (Group.STATE, STATE_PAGES, n["state_pages"], "2017-09-15", "2018-06-30"),
            (Group.ORGANIC, ORGANIC_PAGES, n["organic_pages"], "2010-01-01", "2018-12-31"),
            (Group.FAN, FAN_PAGES, n["fan_pages"], "2015-01-01", "2018-06-30"),
        ):
            for i in range(count):
                name, description = self._numbered(names, i)
                created = rng.randrange(
                    _ts(f"{created_from}T00:00:00"), _ts(f"{created_to}T00:00:00")
                )
                if group is Group.STATE:
                    fans = followers[i]
                elif group is Group.FAN:
                    fans = rng.randint(20_000, 80_000)
                else:
                    fans = int(rng.lognormvariate(9, 1.2))
                page_specs.append((group, name, description, created, fans))
        for group, names, count, created_from, created_to in (
            (Group.STATE, STATE_GROUPS, n["state_groups"], "2018-01-01", "2018-12-31"),
            (Group.ORGANIC, ORGANIC_GROUPS, n["organic_groups"], "2011-01-01", "2018-12-31"),
            (Group.FAN, FAN_GROUPS, n["fan_groups"], "2016-01-01", "2018-12-31"),
        ):
            for i in range(count):
                name, description = self._numbered(names, i)
                created = rng.randrange(
                    _ts(f"{created_from}T00:00:00"), _ts(f"{created_to}T00:00:00")
                )
                group_specs.append((group, name, description, created, 0))
        rng.shuffle(page_specs)
        rng.shuffle(group_specs)
        for group, name, description, created, fans in page_specs:
            page_next += rng.randint(1, 9_000_000)
            self.pages.setdefault(group, []).append((page_next, created))
            self.write(
                "bundle/pages.csv", ("facebook", page_next, name, description, iso(created), fans)
            )
            self.truth_row("page", "facebook", page_next, group)
            if group is Group.STATE:
                self.write(
                    "bundle/attributions.csv",
                    (
                        "page",
                        "facebook",
                        page_next,
                        CAMPAIGN,
                        "disclosed facebook page (synthetic)",
                    ),
                )
        self._page_admins(rng)
        members: list[tuple[Group, int, int, str, str]] = []
        for group, name, description, created, _ in group_specs:
            group_next += rng.randint(1, 9_000_000)
            self.groups.setdefault(group, []).append((group_next, created))
            members.append((group, group_next, created, name, description))
        joined = self._group_members(rng)
        for group, gid, created, name, description in members:
            extra = int(joined.get(gid, 0) * rng.uniform(1.5, 4)) + rng.randint(10, 400)
            self.write(
                "bundle/groups.csv",
                ("facebook", gid, name, description, iso(created), joined.get(gid, 0) + extra),
            )
            self.truth_row("group", "facebook", gid, group)
        self._group_admins(rng)

    @staticmethod
    def _numbered(names: Sequence[tuple[str, str]], i: int) -> tuple[str, str]:
        name, description = names[i % len(names)]
        return (name if i < len(names) else f"{name} {i // len(names) + 1}"), description

    def _page_admins(self, rng: random.Random) -> None:
        state = self.state_fb
        for i, (pid, _) in enumerate(self.pages.get(Group.STATE, [])):
            primary = state[i % len(state)]
            self.write("bundle/page_admins.csv", ("facebook", primary, pid, "admin"))
            others = [a for a in state if a != primary]
            for a in rng.sample(others, min(len(others), rng.randint(0, 2))):
                self.write(
                    "bundle/page_admins.csv", ("facebook", a, pid, rng.choice(STATE_PAGE_ROLES))
                )
        for group, pool, roles in (
            (Group.ORGANIC, self.organic_fb, ("admin", "editor")),
            (Group.FAN, self.fan_fb, ("admin", "moderator")),
        ):
            for pid, _ in self.pages.get(group, []):
                admins = rng.sample(pool, min(len(pool), rng.randint(1, 2)))
                for a, role in zip(admins, roles[: len(admins)], strict=True):
                    self.write("bundle/page_admins.csv", ("facebook", a, pid, role))

    def _group_admins(self, rng: random.Random) -> None:
        for group, pool in (
            (Group.STATE, self.state_fb),
            (Group.ORGANIC, self.organic_fb),
            (Group.FAN, self.fan_fb),
        ):
            for i, (gid, _) in enumerate(self.groups.get(group, [])):
                admin = pool[i % len(pool)] if group is Group.STATE else rng.choice(pool)
                self.write("bundle/group_admins.csv", ("facebook", admin, gid, "admin"))
                if rng.random() < 0.6 and len(pool) > 1:
                    moderator = rng.choice([a for a in pool[:50] if a != admin])
                    self.write("bundle/group_admins.csv", ("facebook", moderator, gid, "moderator"))

    def _group_members(self, rng: random.Random) -> dict[int, int]:
        """group_members.csv; returns the observed member count per group."""
        joined: dict[int, int] = {}

        def join(account: int, since: int, gid: int, created: int) -> None:
            at = rng.randrange(max(since, created) + 60, WINDOW_END)
            self.write("bundle/group_members.csv", ("facebook", account, gid, iso(at)))
            joined[gid] = joined.get(gid, 0) + 1

        state_groups = self.groups.get(Group.STATE, [])
        organic_groups = self.groups.get(Group.ORGANIC, [])
        fan_groups = self.groups.get(Group.FAN, [])
        for a, since in zip(self.state_fb, self.fb_created[Group.STATE], strict=True):
            for gid, created in state_groups:
                join(a, since, gid, created)
        for a, since in zip(self.organic_fb, self.fb_created[Group.ORGANIC], strict=True):
            mine = rng.sample(organic_groups, min(len(organic_groups), rng.randint(0, 2)))
            if rng.random() < 0.15:
                mine.append(rng.choice(state_groups))
            for gid, created in mine:
                join(a, since, gid, created)
        for a, since in zip(self.fan_fb, self.fb_created[Group.FAN], strict=True):
            if rng.random() < 0.85:
                gid, created = rng.choice(fan_groups)
                join(a, since, gid, created)
        return joined

    # ---------------------------------------------------------------- follows

    def _follows(self) -> None:
        """follows.csv: rings inside the state cells, preferential follows of influencers among
        organic users, and a fan community that follows its pages and each other densely."""
        rng = self.rng("follows")

        def follow(platform: str, src: int, dst: int, kind: str = "account") -> None:
            self.write("bundle/follows.csv", (platform, src, dst, kind))

        infl = self.influencers
        for cell in self.cells:
            for a in cell:
                mine = {a}
                picks = rng.sample(cell, min(len(cell), rng.randint(8, 25)))
                picks += [rng.choice(self.state_tw) for _ in range(rng.randint(0, 6))]
                picks += [infl[_skewed(rng, len(infl), 2)] for _ in range(rng.randint(0, 3))]
                for b in picks:
                    if b not in mine:
                        mine.add(b)
                        follow("twitter", a, b)
        others = (self.organic_tw, self.vpn_tw, self.viral_tw)
        sizes = list(accumulate(len(p) for p in others))
        for pool in others:
            for a in pool:
                mine = {a}
                for _ in range(rng.randint(2, 15)):
                    if rng.random() < 0.6:
                        b = infl[_skewed(rng, len(infl), 2)]
                    else:
                        population = rng.choices(others, cum_weights=sizes)[0]
                        b = population[rng.randrange(len(population))]
                    if b not in mine:
                        mine.add(b)
                        follow("twitter", a, b)
        state_pages = [p for p, _ in self.pages.get(Group.STATE, [])]
        organic_pages = [p for p, _ in self.pages.get(Group.ORGANIC, [])]
        fan_pages = [p for p, _ in self.pages.get(Group.FAN, [])]
        for a in self.state_fb:
            for p in state_pages:
                follow("facebook", a, p, "page")
            for b in self.state_fb:
                if b != a:
                    follow("facebook", a, b)
        for a in self.organic_fb:
            mine = set()
            for _ in range(rng.randint(1, 4)):
                p = organic_pages[_skewed(rng, len(organic_pages), 1.5)]
                if p not in mine:
                    mine.add(p)
                    follow("facebook", a, p, "page")
            if rng.random() < 0.2:
                follow("facebook", a, rng.choice(state_pages), "page")
        fans = self.fan_fb
        reach = min(100, (len(fans) - 1) // 2)
        for i, a in enumerate(fans):
            for p in rng.sample(fan_pages, min(len(fan_pages), rng.randint(2, 3))):
                follow("facebook", a, p, "page")
            if rng.random() < 0.4:
                follow("facebook", a, rng.choice(organic_pages), "page")
            # Neighbours on a ring, each pair once with i first: no duplicate or self follow.
            for d in rng.sample(range(1, reach + 1), min(reach, rng.randint(12, 25))):
                b = fans[(i + d) % len(fans)]
                follow("facebook", a, b)
                if rng.random() < 0.75:
                    follow("facebook", b, a)

    # ---------------------------------------------------------------- shares

    def _tweet(
        self,
        account: int,
        ts: int,
        *,
        retweet_of: int | None = None,
        urls: Sequence[str] = (),
        tags: Sequence[str] = (),
    ) -> int:
        cid = self.tweet_id(ts)
        if retweet_of is not None:
            self.write("shares/posts.csv", (retweet_of, account, cid, ts))
        for u in urls:
            self.write("shares/urls.csv", (u, account, cid, ts))
        for t in tags:
            self.write("shares/hashtags.csv", (t, account, cid, ts))
        return cid

    def _shares(self) -> None:
        """The three share files: popular posts, state operations, ordinary activity, waves."""
        rng = self.rng("shares")
        n = self.n
        # Popular posts by influencers that organic users retweet.
        self.post_ids = array("q")
        self.post_times = array("q")
        for _ in range(n["popular_posts"]):
            t = rng.randrange(WINDOW_START, WINDOW_END - DAY)
            author = self.influencers[_skewed(rng, len(self.influencers), 1.5)]
            tags = [rng.choice(ORGANIC_TAGS)] if rng.random() < 0.6 else []
            self.post_ids.append(self._tweet(author, t, tags=tags))
            self.post_times.append(t)
        self._state_operations(rng)
        for a in self.state_tw:  # a little ordinary-looking noise
            for _ in range(rng.randint(2, 5)):
                self._tweet(
                    a, rng.randrange(WINDOW_START, WINDOW_END), tags=[rng.choice(STATE_TAGS)]
                )
        for pool, mu in ((self.organic_tw, 1.8), (self.vpn_tw, 1.6), (self.viral_tw, 1.4)):
            for a in pool:
                for _ in range(min(200, int(rng.lognormvariate(mu, 0.9)))):
                    self._organic_tweet(rng, a)
        self._viral_waves(rng)

    def _state_operations(self, rng: random.Random) -> None:
        """Cells push a lead post, an article or a hashtag together, within a minute or so."""
        recent_urls: deque[str] = deque(maxlen=40)
        article = 0
        monday = _ts("2019-06-10T00:00:00")
        for _ in range(self.n["state_operations"]):
            cell = self.cells[rng.randrange(len(self.cells))]
            if not cell:
                continue
            while True:  # office hours in Beijing, mostly on weekdays
                day = rng.randrange((WINDOW_END - WINDOW_START) // DAY)
                weekend = ((WINDOW_START + day * DAY - monday) // DAY) % 7 >= 5
                if not weekend or rng.random() < 0.3:
                    break
            t0 = WINDOW_START + day * DAY + rng.randrange(3600, 10 * 3600)
            crew = rng.sample(cell, max(1, int(len(cell) * rng.uniform(0.4, 0.9))))
            kind = rng.random()
            if kind < 0.55:
                lead, crew = crew[0], crew[1:]
                tags = rng.sample(STATE_TAGS, rng.randint(1, 2)) if rng.random() < 0.5 else []
                post = self._tweet(lead, t0 - rng.randint(60, 1800), tags=tags)
                for a in crew:
                    self._tweet(a, t0 + self._delay(rng), retweet_of=post)
            elif kind < 0.85:
                if recent_urls and rng.random() < 0.25:
                    url = rng.choice(recent_urls)
                else:
                    article += 1
                    day_path = time.strftime("%Y/%m/%d", time.gmtime(t0))
                    url = f"https://{rng.choice(STATE_DOMAINS)}/{day_path}/{article:05d}.html"
                    recent_urls.append(url)
                tags = [rng.choice(STATE_TAGS)] if rng.random() < 0.5 else []
                for a in crew:
                    self._tweet(a, t0 + self._delay(rng), urls=[url], tags=tags)
            else:
                tags = rng.sample(STATE_TAGS, rng.randint(1, 2))
                for a in crew:
                    self._tweet(a, t0 + self._delay(rng), tags=tags)

    @staticmethod
    def _delay(rng: random.Random) -> int:
        r = rng.random()
        if r < 0.8:
            return rng.randint(0, 60)
        return rng.randint(61, 180) if r < 0.95 else rng.randint(181, 900)

    def _organic_tweet(self, rng: random.Random, account: int) -> None:
        r = rng.random()
        if r < 0.45:
            p = _skewed(rng, len(self.post_ids), 1.6)
            start = self.post_times[p]
            delay = int(rng.expovariate(1 / (4 * 3600)))
            if start + delay >= WINDOW_END:
                delay = rng.randrange(WINDOW_END - start)
            self._tweet(account, start + delay, retweet_of=self.post_ids[p])
            return
        day = rng.randrange((WINDOW_END - WINDOW_START) // DAY)
        hour = rng.choices(HOURS, cum_weights=ORGANIC_HOURS_CUM)[0]
        ts = WINDOW_START + day * DAY + hour * 3600 + rng.randrange(3600)
        if r < 0.7:
            a = _skewed(rng, self.n["organic_urls"], 1.5)
            url = f"https://{ORGANIC_DOMAINS[a % len(ORGANIC_DOMAINS)]}/hk/a{a:06d}"
            tags = [rng.choice(ORGANIC_TAGS)] if rng.random() < 0.3 else []
            self._tweet(account, ts, urls=[url], tags=tags)
        else:
            tags = rng.sample(ORGANIC_TAGS, 2 if rng.random() < 0.25 else 1)
            if tags[-1].lower() == tags[0].lower() and len(tags) == 2:
                tags.pop()  # `#HongKong #hongkong` is one hashtag twice
            self._tweet(account, ts, tags=tags)

    def _viral_waves(self, rng: random.Random) -> None:
        """Each wave: one influencer post, retweeted by its own crowd within minutes, once."""
        waves = self.n["viral_waves"]
        crowd = list(self.viral_tw)
        rng.shuffle(crowd)
        for w in range(waves):
            t = rng.randrange(WINDOW_START, WINDOW_END - DAY)
            author = self.influencers[rng.randrange(len(self.influencers))]
            post = self._tweet(author, t, tags=[rng.choice(ORGANIC_TAGS)])
            for a in crowd[w::waves]:
                self._tweet(a, t + 20 + min(3600, int(rng.expovariate(1 / 150))), retweet_of=post)

    # ---------------------------------------------------------------- posts with text

    def _post(
        self,
        platform: str,
        account: int,
        post_id: object,
        ts: int,
        language: str,
        client: str,
        text: str,
    ) -> None:
        self.write("posts/texts.csv", (platform, account, post_id, ts, language, client, text))

    def _text_tweet(self, account: int, ts: int, language: str, client: str, text: str) -> None:
        self._post("twitter", account, self.tweet_id(ts), ts, language, client, text)

    def _posts(self) -> None:
        """posts/texts.csv: the state network's texts (copies and near-copies in Chinese, posted
        in Beijing office hours; the bought accounts' earlier lives in English or Indonesian and
        their new owners' first words), and the confounders: news-headline bots, fans copying
        lyrics, a night shift in one time zone, people who start posting in another language."""
        rng = self.rng("posts")
        self._state_messages(rng)
        self._bought_accounts(rng)
        self._news_bots(rng)
        self._fan_lyrics(rng)
        self._night_shift(rng)
        self._language_changers(rng)

    def _office_time(self, rng: random.Random) -> int:
        """A time in Beijing office hours (09:00-18:00 UTC+8), mostly on a weekday."""
        monday = _ts("2019-06-10T00:00:00")
        while True:
            day = rng.randrange((WINDOW_END - WINDOW_START) // DAY)
            weekend = ((WINDOW_START + day * DAY - monday) // DAY) % 7 >= 5
            if not weekend or rng.random() < 0.2:
                break
        return WINDOW_START + day * DAY + rng.randrange(3600, 9 * 3600)

    def _state_messages(self, rng: random.Random) -> None:
        """A cell posts one message: some copy it exactly, others change a few characters."""
        for m in range(self.n["state_messages"]):
            cell = self.cells[rng.randrange(len(self.cells))]
            if len(cell) < 2:
                continue
            t0 = self._office_time(rng)
            text = (
                f"{rng.choice(ZH_OPENERS)}{rng.choice(ZH_CLAIMS)}，{rng.choice(ZH_CALLS)}"
                f"（{m + 1}）"
            )
            crew = rng.sample(cell, max(2, int(len(cell) * rng.uniform(0.3, 0.6))))
            for a in crew:
                copy = text if rng.random() < 0.5 else _near_copy(rng, text)
                ts = t0 + self._delay(rng) * 4
                self._text_tweet(a, ts, "zh-cn", STATE_CLIENT, copy)

    def _bought_accounts(self, rng: random.Random) -> None:
        """The accounts created before the bursts were bought: years of spam in English or
        Indonesian from marketing tools at American hours, months of silence, then the new
        owner's first posts in Chinese from the network's client, in Beijing office hours,
        all within the same three weeks; a third of them say so ("test new owner")."""
        takeover_from = _ts("2019-05-20T00:00:00")
        for uid, created in self.state_old:
            indonesian = rng.random() < 0.3
            client = rng.choice(SPAM_CLIENTS)
            start = max(created, _ts("2015-01-01T00:00:00"))
            end = _ts("2018-12-31T00:00:00")
            for _ in range(rng.randint(25, 60)):
                day = rng.randrange(start, end) // DAY * DAY
                ts = day + rng.randrange(13 * 3600, 23 * 3600)  # 08:00-18:00 in New York
                if indonesian:
                    text = rng.choice(ID_SPAM).format(
                        n=rng.randrange(10, 99), k=rng.randrange(1000)
                    )
                    language = "in"
                else:
                    text = rng.choice(EN_SPAM).format(
                        n=rng.randrange(10, 99), k=rng.randrange(1000)
                    )
                    language = "en"
                self._text_tweet(uid, ts, language, client, text)
            woke = takeover_from + rng.randrange(21 * DAY)
            woke = woke // DAY * DAY + rng.randrange(3600, 9 * 3600)
            if rng.random() < 0.35:
                phrase = rng.choice(OWNER_PHRASES)
                language = "en" if phrase.isascii() else "zh-cn"
                self._text_tweet(uid, woke, language, STATE_CLIENT, phrase)
            else:
                self._text_tweet(uid, woke, "zh-cn", STATE_CLIENT, rng.choice(ZH_CLAIMS))
            for _ in range(rng.randint(8, 14)):
                text = f"{rng.choice(ZH_OPENERS)}{rng.choice(ZH_CLAIMS)}"
                self._text_tweet(uid, self._office_time(rng), "zh-cn", STATE_CLIENT, text)

    def _news_bots(self, rng: random.Random) -> None:
        """Headline bots: every bot posts every headline of one feed, each polling it at its own
        pace, around the clock, each with its own short link."""
        bots = list(self.news_tw)
        clients = [rng.choice(FEED_CLIENTS) for _ in bots]
        polls = [rng.randint(5, 30) * 60 for _ in bots]
        for h in range(NEWS_HEADLINES):
            t = rng.randrange(WINDOW_START, WINDOW_END - DAY)
            headline = (
                f"{rng.choice(NEWS_SUBJECTS)} {rng.choice(NEWS_VERBS)} "
                f"{rng.choice(NEWS_OBJECTS)} {rng.choice(NEWS_WHEN)} ({h + 1})"
            )
            for i, bot in enumerate(bots):
                ts = t + rng.randrange(polls[i]) + rng.randint(5, 60)
                link = f"https://lnk.example/{bot % 100_000:05d}{h:04d}"
                self._text_tweet(bot, ts, "en", clients[i], f"{headline} {link}")

    def _fan_lyrics(self, rng: random.Random) -> None:
        """On release nights fans post lines of the new song's chorus, many the same lines
        within the hour, some with hearts; on other evenings a line now and then."""
        fans = list(self.fan_fb)
        counter = 0
        releases = [rng.randrange(WINDOW_START, WINDOW_END - DAY) // DAY * DAY for _ in range(3)]
        for a in fans:
            lines: list[tuple[int, str]] = []
            for night in releases:
                if rng.random() < 0.7:
                    for line in rng.sample(LYRICS, rng.randint(2, 4)):
                        at = night + 12 * 3600 + rng.randrange(2 * 3600)  # 20:00-22:00 in HK
                        lines.append((at, line))
            for _ in range(rng.randint(1, 4)):
                day = rng.randrange(WINDOW_START, WINDOW_END) // DAY * DAY
                at = day + rng.randrange(10 * 3600, 16 * 3600)  # HK evenings, any day
                lines.append((at, rng.choice(LYRICS)))
            for ts, line in lines:
                if rng.random() < 0.4:
                    line += rng.choice(("❤️", " ❤️❤️", " 🎶", "！！"))
                counter += 1
                language = "zh-hk" if not line.isascii() else "en"
                self._post("facebook", a, f"{a}_{counter}", ts, language, "", line)

    def _chat(self, rng: random.Random, words: Sequence[str]) -> str:
        return " ".join(rng.choice(words) for _ in range(rng.randint(6, 12)))

    def _night_shift(self, rng: random.Random) -> None:
        """Nurses and guards of one Hong Kong night shift on one rota (weeknights): they post
        in the quiet hours, 23:00-05:00 local, a little on their days off, each about their
        own things. To the hours signal they are one office at UTC-6."""
        for a in self.night_tw:
            client = rng.choices(ORGANIC_CLIENTS, cum_weights=ORGANIC_CLIENTS_CUM)[0]
            for _ in range(rng.randint(40, 80)):
                day = rng.randrange((WINDOW_END - WINDOW_START) // DAY)
                start = WINDOW_START + day * DAY
                weekday = ((start // DAY) + 3) % 7 < 5  # the epoch was a Thursday
                if rng.random() < 0.9 and weekday:
                    ts = start + 15 * 3600 + rng.randrange(6 * 3600)  # 23:00-05:00 UTC+8
                else:
                    ts = start + rng.randrange(DAY)
                self._text_tweet(a, ts, "en", client, self._chat(rng, EN_CHAT))

    def _language_changers(self, rng: random.Random) -> None:
        """People who start posting in Chinese (moving, or a new job), on their own dates: the
        same phone and the same hours before and after."""
        for a in self.changer_tw:
            client = rng.choices(ORGANIC_CLIENTS, cum_weights=ORGANIC_CLIENTS_CUM)[0]
            switch = rng.randrange(_ts("2018-09-01T00:00:00"), _ts("2019-07-01T00:00:00"))
            start = switch - rng.randint(60, 200) * DAY
            for _ in range(rng.randint(25, 45)):
                ts = rng.randrange(start, WINDOW_END) // DAY * DAY
                ts += (rng.choices(HOURS, cum_weights=ORGANIC_HOURS_CUM)[0]) * 3600
                ts += rng.randrange(3600)
                if ts < switch:
                    self._text_tweet(a, ts, "en", client, self._chat(rng, EN_CHAT))
                else:
                    self._text_tweet(
                        a,
                        ts,
                        "zh-tw",
                        client,
                        "".join(rng.choice(ZH_CHAT) for _ in range(rng.randint(4, 8))),
                    )

    # ---------------------------------------------------------------- manifest

    def _manifest(self) -> None:
        files = {}
        for name, header in HEADERS.items():
            with (self.out / name).open("rb") as fh:
                digest = hashlib.file_digest(fh, "sha256").hexdigest()
            files[name] = {"columns": list(header), "rows": self.rows[name], "sha256": digest}
        manifest = {
            "generator": "cibgraph demo generate",
            "description": "Synthetic investigation modelled on the 2019 Hong Kong case.",
            "campaign": CAMPAIGN,
            "seed": self.seed,
            "scale": self.scale,
            "platforms": {"accounts and shares": "twitter", "pages and groups": "facebook"},
            "files": files,
            "truth": self.truth,
        }
        text = json.dumps(manifest, indent=2, ensure_ascii=False, sort_keys=True)
        (self.out / MANIFEST).write_text(text + "\n", encoding="utf-8")


def generate(
    *, out: Path = DEFAULT_OUT, seed: int = DEFAULT_SEED, scale: float = 1.0
) -> DemoReport:
    """Write the demo bundle into `out` (files there are overwritten) and say what was written."""
    if not 0 < scale <= MAX_SCALE:
        raise ValueError(f"scale must be in (0, {MAX_SCALE:g}], not {scale}")
    started = time.perf_counter()
    bundle = _Bundle(out, seed, scale)
    bundle.run()
    return DemoReport(
        out=out,
        seed=seed,
        scale=scale,
        rows=dict(bundle.rows),
        truth=dict(bundle.truth),
        seconds=time.perf_counter() - started,
    )


# ---------------------------------------------------------------- loading

# The share-event files of the demo and the object type each holds (one per file).
DEMO_SHARES: Final = (
    ("shares/posts.csv", "Post"),
    ("shares/urls.csv", "Url"),
    ("shares/hashtags.csv", "Hashtag"),
)

# The posts with their texts (cibgraph.ingest.demo_posts), loaded last.
DEMO_POSTS: Final = "posts/texts.csv"

LoadFiles = Callable[["Loader", list[Path]], list["LoadReport"]]


@dataclass(frozen=True, slots=True)
class DemoLoad:
    """What `load_demo` did: the generation (None when the folder was current) and each load."""

    generated: DemoReport | None
    reports: list[LoadReport]
    seconds: float  # loading only


def is_current(out: Path, *, seed: int, scale: float) -> bool:
    """Whether `out` already holds the demo of this seed and scale (its manifest says so)."""
    manifest = out / MANIFEST
    if not manifest.is_file():
        return False
    current = json.loads(manifest.read_text(encoding="utf-8"))
    return (current.get("seed"), current.get("scale")) == (seed, scale)


def load_demo(
    driver: Driver,
    *,
    out: Path = DEFAULT_OUT,
    seed: int = DEFAULT_SEED,
    scale: float = 1.0,
    rejects_dir: Path | None = None,
    batch_size: int = 10_000,
    regenerate: bool = False,
    database: str | None = None,
    switch_seconds: float | None = None,
    load_files: LoadFiles | None = None,
    on_generated: Callable[[DemoReport], None] | None = None,
) -> DemoLoad:
    """Generate the demo into `out` unless it holds this seed and scale, then load all of it.

    The one way the CLI, the benchmarks and the tests load the demo: the bundle first (entities
    before links), then the share events, one object type per file. `load_files` loads one
    loader's files (the CLI passes its progress-and-summary printer); by default each file goes
    through `run_load`. Rejects go to `rejects_dir` (default `<out>/rejects`).
    """
    from cibgraph.ingest.base import run_load
    from cibgraph.ingest.bundle import BundleLoader, bundle_files
    from cibgraph.ingest.demo_posts import DemoPostsLoader
    from cibgraph.ingest.shares import ObjectType, ShareEventsLoader

    generated = None
    if regenerate or not is_current(out, seed=seed, scale=scale):
        generated = generate(out=out, seed=seed, scale=scale)
        if on_generated is not None:
            on_generated(generated)
    rejects = rejects_dir if rejects_dir is not None else out / "rejects"

    def each_file(loader: Loader, paths: list[Path]) -> list[LoadReport]:
        return [
            run_load(
                loader,
                path,
                driver=driver,
                rejects_dir=rejects,
                batch_size=batch_size,
                database=database,
                switch_seconds=switch_seconds,
            )
            for path in paths
        ]

    load = load_files or each_file
    started = time.perf_counter()
    reports = load(BundleLoader(), bundle_files([out / "bundle"]))
    for name, label in DEMO_SHARES:
        reports += load(ShareEventsLoader(object_type=ObjectType(label)), [out / name])
    reports += load(DemoPostsLoader(), [out / DEMO_POSTS])
    return DemoLoad(generated, reports, time.perf_counter() - started)
