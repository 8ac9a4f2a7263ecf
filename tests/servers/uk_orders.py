# SPDX-License-Identifier: GPL-3.0-or-later
"""Realistic, deterministic Amazon.co.uk merchant-fulfilled orders in the
Orders API 2026-01-01 shape (the `Order` definition of
orders_2026-01-01.json), for the local SP-API server in spapi_server.py.

Every order is built with every dataset filled in (buyer, recipient,
proceeds, payment, tax, fulfillment, item proceeds/promotion/cancellation/
fulfillment, packages); the server removes what the caller's includedData did
not ask for.

The content (ids, names, addresses, items, prices, statuses) depends only on
the seed and on how many orders were made before; the timestamps are offsets
from the `now` passed in. The first len(SHOWCASE) orders of a factory walk
through SHOWCASE, so even a handful of orders has a Welsh, a Highland, a
Northern Irish, a Jersey, a BFPO address and so on; after that the features
are drawn at random with realistic weights.

Names and numbers are made up. Phone numbers are in Ofcom's ranges for drama
(07700 900xxx, 01632 960xxx, 028 9649 6xxx); tracking numbers are Royal Mail
S10 numbers with a valid check digit.
"""

import datetime
import hashlib
import random
from decimal import Decimal

MARKETPLACE_ID = "A1F83G8C2ARO7P"
MARKETPLACE_NAME = "Amazon.co.uk"
CURRENCY = "GBP"

# Amazon.co.uk order ids start with one of these.
ORDER_ID_PREFIXES = ("202", "203", "204", "205", "206", "026")
# Ids used by the official sandbox examples: never generated.
RESERVED_ORDER_IDS = frozenset({
    "123-4567890-1234567", "202-1234567-8901234", "250-1234567-8901234",
    "202-7654321-1098765", "171-2345678-9012345", "171-9876543-2109876",
    "028-1234567-8901234", "114-9876543-1234567", "902-1106328-1059050",
})

# Letters a postcode's inward code may use.
INCODE_LETTERS = "ABDEFGHJLNPQRSTUWXYZ"

# ---------------------------------------------------------------- places
# (street, city, county, outward codes, country code)

ENGLAND = [
    ("Coldharbour Lane", "London", "Greater London", ("SE5", "SW9"), "GB"),
    ("Deansgate", "Manchester", "Greater Manchester", ("M3",), "GB"),
    ("Bristol Road", "Birmingham", "West Midlands", ("B29",), "GB"),
    ("Kirkstall Road", "Leeds", "West Yorkshire", ("LS4",), "GB"),
    ("Gloucester Road", "Bristol", "", ("BS7",), "GB"),
    ("Market Jew Street", "Penzance", "Cornwall", ("TR18",), "GB"),
    ("Church Street", "St Mary's", "Isles of Scilly", ("TR21",), "GB"),
    ("High Street", "Newport", "Isle of Wight", ("PO30",), "GB"),
    ("Lowther Street", "Carlisle", "Cumbria", ("CA1",), "GB"),
    ("Jesmond Road", "Newcastle upon Tyne", "Tyne and Wear", ("NE2",), "GB"),
    ("Mill Road", "Cambridge", "Cambridgeshire", ("CB1",), "GB"),
    ("Cowley Road", "Oxford", "Oxfordshire", ("OX4",), "GB"),
    ("London Road", "Brighton", "East Sussex", ("BN1",), "GB"),
    ("Lark Lane", "Liverpool", "Merseyside", ("L17",), "GB"),
    ("Ecclesall Road", "Sheffield", "South Yorkshire", ("S11",), "GB"),
    ("Fore Street", "Exeter", "Devon", ("EX4",), "GB"),
    ("Mansfield Road", "Nottingham", "Nottinghamshire", ("NG5",), "GB"),
    ("Stoke Newington Church Street", "London", "Greater London", ("N16",), "GB"),
]

WALES = [
    ("Ffordd Penrhos", "Bangor", "Gwynedd", ("LL57",), "GB"),
    ("Ffordd Caergybi", "Llanfairpwllgwyngyll", "Isle of Anglesey", ("LL61",), "GB"),
    ("Heol y Wig", "Aberystwyth", "Ceredigion", ("SY23",), "GB"),
    ("Heol Maengwyn", "Machynlleth", "Powys", ("SY20",), "GB"),
    ("Stryd Fawr", "Caernarfon", "Gwynedd", ("LL55",), "GB"),
    ("Heol yr Eglwys", "Cardiff", "", ("CF14",), "GB"),
    ("Ffordd yr Orsaf", "Betws-y-Coed", "Conwy", ("LL24",), "GB"),
    ("Heol y Brenin", "Carmarthen", "Carmarthenshire", ("SA31",), "GB"),
]

SCOTLAND = [
    ("Union Street", "Aberdeen", "Aberdeen City", ("AB10", "AB11"), "GB"),
    ("Great Western Road", "Aberdeen", "Aberdeen City", ("AB10",), "GB"),
    ("Leith Walk", "Edinburgh", "", ("EH6", "EH7"), "GB"),
    ("Byres Road", "Glasgow", "", ("G12",), "GB"),
    ("Perth Road", "Dundee", "", ("DD1",), "GB"),
]

HIGHLANDS_AND_ISLANDS = [
    ("Academy Street", "Inverness", "Highland", ("IV1",), "GB"),
    ("Culduthel Road", "Inverness", "Highland", ("IV2",), "GB"),
    ("Wentworth Street", "Portree", "Isle of Skye", ("IV51",), "GB"),
    ("Shore Street", "Ullapool", "Ross-shire", ("IV26",), "GB"),
    ("High Street", "Fort William", "Inverness-shire", ("PH33",), "GB"),
    ("Traill Street", "Thurso", "Caithness", ("KW14",), "GB"),
    ("Albert Street", "Kirkwall", "Orkney", ("KW15",), "GB"),
    ("Commercial Street", "Lerwick", "Shetland", ("ZE1",), "GB"),
    ("Cromwell Street", "Stornoway", "Isle of Lewis", ("HS1",), "GB"),
]

NORTHERN_IRELAND = [
    ("Lisburn Road", "Belfast", "County Antrim", ("BT9",), "GB"),
    ("Ormeau Road", "Belfast", "County Down", ("BT7",), "GB"),
    ("Strand Road", "Londonderry", "County Londonderry", ("BT48",), "GB"),
    ("Darling Street", "Enniskillen", "County Fermanagh", ("BT74",), "GB"),
    ("Hill Street", "Newry", "County Down", ("BT34",), "GB"),
    ("Main Street", "Portrush", "County Antrim", ("BT56",), "GB"),
]

JERSEY = [
    ("La Route de St Aubin", "St Helier", "Jersey", ("JE2",), "JE"),
    ("Bath Street", "St Helier", "Jersey", ("JE2",), "JE"),
    ("La Grande Route de St Jean", "St John", "Jersey", ("JE3",), "JE"),
]

GUERNSEY = [
    ("Le Pollet", "St Peter Port", "Guernsey", ("GY1",), "GG"),
    ("Les Banques", "St Sampson", "Guernsey", ("GY2",), "GG"),
    ("Rue de la Marette", "St Saviour", "Guernsey", ("GY7",), "GG"),
]

ISLE_OF_MAN = [
    ("Athol Street", "Douglas", "Isle of Man", ("IM1",), "IM"),
    ("Parliament Street", "Ramsey", "Isle of Man", ("IM8",), "IM"),
]

LLANFAIR_FULL = "Llanfairpwllgwyngyllgogerychwyrndrobwllllantysiliogogogoch"

HOUSE_NAMES = {
    "wales": ("Tŷ Gwyn", "Bryn Awel", "Tŷ'r Ysgol", "Pen-y-Bryn", "Hafod Lon", "Bwthyn Rhosyn"),
    "scotland": ("Croft House", "Tigh na Mara", "Ceòl na Mara", "The Old Manse",
                 "Burnside Cottage"),
    "other": ("Rose Cottage", "The Old Forge", "Orchard House", "Ivy Lodge", "Mill House"),
}

LOCALITIES = ("Upper Bangor", "Kirkstall", "Roath", "Heaton", "Stoke Newington",
              "Old Aberdeen", "Ardersier", "Malone", "Mount Pleasant")

LONG_BUILDINGS = (
    "Cwrt Llewellyn Student Residences Block C",
    "Victoria Mills Riverside Apartments",
    "The Old Co-operative Wholesale Society Buildings",
    "Caledonian Wharf Business and Innovation Centre",
    "St Mary's Court Retirement Apartments (Ground Floor)",
)

LONG_SECOND_LINES = (
    "c/o Reception, Riverside Innovation and Enterprise Centre",
    "Deliveries via the side entrance on Ffordd yr Hen Gapel",
    "Unit 14b, Llanelwedd Agricultural Showground Business Park",
)

# --------------------------------------------------------------- people

SHOWCASE_NAMES = (
    "Siân O'Brien", "Zoë Ní Bhriain", "Ðorđe Petrović", "Seán O’Sullivan",
    "Eilidh MacLeòid", "Gwenllïan Llŷr", "Dafydd ap Rhys", "Renée D'Arcy",
    "Chloë Brontë-Pryce", "Łukasz Wiśniewski", "José María Núñez",
    "Aoife Nic Giolla Bhríde", "Anaïs Lefèvre", "Mary-Kate McAllister",
    "Søren Åkesson", "Ffion Llywelyn", "Niamh O'Donnell", "Bjørn Ødegård",
)

FIRST_NAMES = (
    "James", "Oliver", "Harry", "Jack", "George", "Mohammed", "Noah", "Arthur",
    "Amelia", "Olivia", "Isla", "Emily", "Ava", "Sophie", "Priya", "Fatima",
    "Siân", "Zoë", "Rhys", "Cerys", "Gethin", "Eilidh", "Ruaridh", "Catrìona",
    "Seán", "Aoife", "Niamh", "Ciarán", "Chloë", "Renée", "Łukasz", "Ðorđe",
    "Chidi", "Wei", "Aleksandra", "Tomás", "Anaïs", "Mairéad",
)

SURNAMES = (
    "Smith", "Jones", "Williams", "Taylor", "Brown", "Davies", "Evans", "Wilson",
    "Thomas", "Roberts", "Patel", "Khan", "Begum", "Okafor", "Zhang", "Nowak",
    "O'Brien", "O'Neill", "D'Souza", "McAllister", "MacDonald", "MacLeòid",
    "Ní Bhriain", "Ó Murchú", "ap Gruffydd", "Llŷr", "Brontë-Pryce",
    "Petrović", "Wiśniewski", "Lefèvre", "Núñez", "Fitzgerald-Hughes",
)

RANKS = ("Cpl", "Sgt", "LCpl", "WO2", "Capt", "Lt", "SSgt", "Flt Lt", "AB")

# ------------------------------------------------------------- products
# (seller SKU, title, unit price in GBP)

CATALOGUE = (
    ("PB-MUG-DRAIG-350",
     "Welsh Dragon Ceramic Mug, 350 ml – Y Ddraig Goch Gift Mug, Dishwasher Safe", "9.99"),
    ("TT-THISTLE-5070", "Scottish Thistle Cotton Tea Towel, 50 x 70 cm", "6.49"),
    ("USBC-BRD-2M-BLK-2PK",
     "USB C Cable 2 m, 60 W Fast Charging Braided Lead, Black (2-Pack)", "8.99"),
    ("CASE-IP15-CLR", "Clear Phone Case for iPhone 15, Shockproof Slim Cover", "7.99"),
    ("LED-E27-8W5-6PK",
     "LED Light Bulbs E27 Edison Screw, 8.5 W = 60 W, Warm White 2700 K, Pack of 6", "12.49"),
    ("NB-A5-DOT-SAGE",
     "A5 Dotted Notebook, Hardback, 160 Pages, 100 gsm Paper – Sage Green", "11.95"),
    ("YARN-MERINO-DK-NAVY", "Merino Wool DK Yarn 50 g Ball – Navy", "5.25"),
    ("CANDLE-SOY-LAV-200", "Lavender & Camomile Soy Wax Candle in Tin, 200 g", "14.00"),
    ("BIKE-LIGHT-400LM", "Rechargeable Bike Light Set, 400 Lumen Front and Rear, USB", "19.99"),
    ("DOG-LEAD-REF-150", "Reflective Dog Lead 1.5 m, Padded Handle", "10.99"),
    ("GLOVES-THORN-M", "Thorn-Proof Gardening Gloves, Medium", "8.49"),
    ("DESCALER-4PK", "Kettle Descaler Sachets, Pack of 4", "4.99"),
    ("HDMI21-3M", "8K HDMI 2.1 Cable 3 m, 48 Gbps", "13.99"),
    ("GAME-CYMRU-400",
     "Cymru Trivia Card Game – 400 Questions about Wales (Bilingual Welsh/English)", "16.99"),
    ("WHISKY-STONES-9", "Whisky Stones Gift Set of 9 with Wooden Box", "21.50"),
    ("JIGSAW-1000-STORR", "1000 Piece Jigsaw Puzzle – Old Man of Storr, Isle of Skye", "18.99"),
    ("MSD-128GB-A2", "microSDXC Memory Card 128 GB with SD Adapter, A2, U3, V30", "15.49"),
    ("COFFEE-YIRGA-1KG",
     "Single Origin Ethiopian Yirgacheffe Coffee Beans 1 kg – Medium Roast", "27.90"),
    ("HP-ANC-OVEREAR-BLK",
     "Wireless Noise Cancelling Headphones, Over-Ear, 40 h Battery, Black", "79.99"),
    ("PLUG-SMART-13A-4PK",
     "Smart Plug with Energy Monitoring, Works with Alexa, 13 A UK Plug (4-Pack)", "29.99"),
    ("MIXER-5L-1200W-SS",
     "Stand Mixer 5 L, 1200 W, Stainless Steel Bowl, Dough Hook, Whisk and Beater", "149.00"),
    ("SCARF-TARTAN-MACLEOD", "Lambswool Tartan Scarf – MacLeod of Lewis", "24.95"),
    ("BUTTONS-WOOD-100", "Assorted Wooden Buttons, 100 Pieces", "3.49"),
    ("SOCKS-WOOL-7-11-3PK", "Men's Wool Walking Socks UK 7–11, 3 Pairs", "12.99"),
    ("PEN-FOUNTAIN-F-BUR", "Fountain Pen, Fine Nib, with 6 Ink Cartridges – Burgundy", "17.50"),
    ("RAMEKIN-150-4PK", "Crème Brûlée Ramekins, Set of 4, 150 ml Porcelain", "15.99"),
    ("BATT-AA-ALK-24", "AA Alkaline Batteries, 24-Pack", "9.49"),
    ("TARP-3X4-GRN",
     "Heavy Duty Waterproof Tarpaulin Sheet 3 m x 4 m (10 ft x 13 ft) – Reinforced Eyelets "
     "Every 50 cm, UV Resistant, Multi-Purpose Ground Sheet Cover for Camping, Garden, Log "
     "Store, Boat, Car & Trailer – Green/Brown", "22.99"),
)

SIGNATURE_THRESHOLD = Decimal("75.00")

GIFT_MESSAGES = (
    "Happy birthday Mam! Lots of love, Siân x",
    "Penblwydd hapus! Cariad mawr, Dafydd",
    "Merry Christmas from all of us in Aberdeen 🎄",
    "Congratulations on the new house — love, Zoë & Tom",
    "Thinking of you. Get well soon x",
    "Happy retirement! Enjoy the golf ⛳",
    "Llongyfarchiadau ar eich priodas!",
    "Sorry I can't be there – have a great day! Ðorđe",
)

DELIVERY_INSTRUCTIONS = (
    ("Front porch", "If out, please leave with the neighbour at no. 14"),
    ("Back door", "Gate code 4821. Dog is friendly."),
    (None, "Ring the bell twice – the doorbell is quiet"),
    ("Safe place: blue recycling box", None),
    ("Reception", "Office closes at 17:00, deliveries to Goods In at the rear"),
)

BUYER_CANCEL_REASONS = (
    "Order Created by Mistake", "Item(s) Would Not Arrive on Time",
    "Shipping Cost Too High", "Found Cheaper Somewhere Else",
    "Need to Change Shipping Address", "Other",
)

# fulfillmentServiceLevel values from OrderFulfillment (STANDARD, EXPEDITED,
# NEXT_DAY, SECOND_DAY, SAME_DAY, PRIORITY, FREE_ECONOMY, SCHEDULED).
SERVICE_LEVEL_WEIGHTS = (("STANDARD", 66), ("EXPEDITED", 10), ("NEXT_DAY", 12),
                         ("SECOND_DAY", 5), ("SAME_DAY", 2), ("PRIORITY", 2),
                         ("FREE_ECONOMY", 3))
SHIPPING_CHARGE = {"STANDARD": "2.99", "FREE_ECONOMY": "0.00", "EXPEDITED": "4.99",
                   "SECOND_DAY": "3.99", "NEXT_DAY": "6.99", "SAME_DAY": "9.99",
                   "PRIORITY": "7.99", "SCHEDULED": "5.99"}
TRANSIT_DAYS = {"STANDARD": 3, "FREE_ECONOMY": 5, "EXPEDITED": 2, "SECOND_DAY": 2,
                "NEXT_DAY": 1, "SAME_DAY": 0, "PRIORITY": 1, "SCHEDULED": 2}

# Named scenarios (also accepted by POST /_test/orders {"generate", "scenario"}).
SHOWCASE = (
    "welsh", "aberdeen", "highland", "northern_ireland", "jersey", "guernsey",
    "bfpo", "long_lines", "no_phone", "multi_quantity", "multi_item",
    "prime_next_day", "gift", "welsh_long_village", "business", "same_day",
    "isle_of_man", "scottish_islands", "delivery_instructions",
)
SCENARIOS = frozenset(SHOWCASE) | {"plain"}

# ---------------------------------------------------------------- helpers


def iso(epoch):
    """Seconds since the epoch as ISO 8601 UTC with a Z, second precision."""
    return datetime.datetime.fromtimestamp(int(epoch), datetime.timezone.utc).strftime(
        "%Y-%m-%dT%H:%M:%SZ")


def money(amount):
    return {"amount": "%.2f" % Decimal(amount), "currencyCode": CURRENCY}


def asin_for(sku):
    """A stable ASIN (B0 + 8 upper-case letters/digits) for a seller SKU."""
    digest = hashlib.sha256(sku.encode()).digest()
    alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
    return "B0" + "".join(alphabet[b % 36] for b in digest[:8])


def s10_tracking(rng, prefix="QE"):
    """A Royal Mail tracked number (UPU S10): 2 letters, 8 digits, check digit, GB."""
    digits = [rng.randint(0, 9) for _ in range(8)]
    total = sum(d * w for d, w in zip(digits, (8, 6, 4, 2, 3, 5, 9, 7)))
    check = 11 - total % 11
    check = {10: 0, 11: 5}.get(check, check)
    return prefix + "".join(map(str, digits)) + str(check) + "GB"


def _day_end(epoch, days_after):
    day = datetime.datetime.fromtimestamp(int(epoch), datetime.timezone.utc).date()
    day += datetime.timedelta(days=days_after)
    while day.weekday() >= 5:  # no collection at weekends
        day += datetime.timedelta(days=1)
    end = datetime.datetime(day.year, day.month, day.day, 23, 59, 59, tzinfo=datetime.timezone.utc)
    return int(end.timestamp())


def _weighted(rng, pairs):
    total = sum(w for _, w in pairs)
    pick = rng.uniform(0, total)
    for value, weight in pairs:
        pick -= weight
        if pick <= 0:
            return value
    return pairs[-1][0]


# ---------------------------------------------------------------- factory


class OrderFactory:
    """Makes orders. Not thread-safe: the server calls it under its lock."""

    def __init__(self, seed=0):
        self.rng = random.Random("packbench-uk-orders:%s" % seed)
        self.count = 0
        self.used_ids = set(RESERVED_ORDER_IDS)
        self.used_item_ids = set()

    # -------- persistence (spapi_server.py --state)

    def snapshot(self):
        version, internal, gauss = self.rng.getstate()
        return {"count": self.count, "rng": [version, list(internal), gauss]}

    def restore(self, snapshot, orders):
        """Continues a factory saved by snapshot() that made @orders."""
        for order in orders:
            self.reserve(order)
        if snapshot:
            version, internal, gauss = snapshot["rng"]
            self.rng.setstate((version, tuple(internal), gauss))
            self.count = snapshot["count"]

    def reserve(self, order):
        """Never makes this order's ids again."""
        self.used_ids.add(order["orderId"])
        for item in order.get("orderItems", []):
            self.used_item_ids.add(item.get("orderItemId"))

    # -------- ids

    def _order_id(self):
        while True:
            oid = "%s-%07d-%07d" % (self.rng.choice(ORDER_ID_PREFIXES),
                                    self.rng.randrange(10 ** 7), self.rng.randrange(10 ** 7))
            if oid not in self.used_ids:
                self.used_ids.add(oid)
                return oid

    def _item_id(self):
        while True:
            iid = "%014d" % self.rng.randrange(10 ** 13, 10 ** 14)
            if iid not in self.used_item_ids:
                self.used_item_ids.add(iid)
                return iid

    # -------- people and places

    def _name(self, showcase=False):
        rng = self.rng
        if showcase or rng.random() < 0.12:
            return rng.choice(SHOWCASE_NAMES)
        return "%s %s" % (rng.choice(FIRST_NAMES), rng.choice(SURNAMES))

    def _postcode(self, outward):
        rng = self.rng
        return "%s %d%s%s" % (outward, rng.randint(0, 9), rng.choice(INCODE_LETTERS),
                              rng.choice(INCODE_LETTERS))

    def _phone(self, country, region):
        rng = self.rng
        n = rng.randint(0, 999)
        if region == "northern_ireland" and rng.random() < 0.5:
            return "028 9649 6%03d" % n
        return rng.choice(("07700 900%03d", "+44 7700 900%03d", "+447700900%03d",
                           "01632 960%03d")) % n

    def _region(self, scenario):
        fixed = {
            "welsh": "wales", "welsh_long_village": "wales", "aberdeen": "scotland",
            "highland": "highlands", "scottish_islands": "highlands",
            "northern_ireland": "northern_ireland", "jersey": "jersey",
            "guernsey": "guernsey", "bfpo": "bfpo", "isle_of_man": "isle_of_man",
        }
        if scenario in fixed:
            return fixed[scenario]
        if scenario in SCENARIOS and scenario != "plain":
            return "england"
        return _weighted(self.rng, (("england", 70), ("wales", 8), ("scotland", 6),
                                    ("highlands", 4), ("northern_ireland", 6),
                                    ("jersey", 1.5), ("guernsey", 1.5), ("isle_of_man", 1),
                                    ("bfpo", 1)))

    def _address(self, region, name, scenario, business):
        rng = self.rng
        if region == "bfpo":
            return self._bfpo_address(name)
        places = {"england": ENGLAND, "wales": WALES, "scotland": SCOTLAND,
                  "highlands": HIGHLANDS_AND_ISLANDS, "northern_ireland": NORTHERN_IRELAND,
                  "jersey": JERSEY, "guernsey": GUERNSEY, "isle_of_man": ISLE_OF_MAN}[region]
        if scenario == "aberdeen":
            places = SCOTLAND[:2]
        elif scenario == "highland":
            places = [p for p in HIGHLANDS_AND_ISLANDS if p[3][0].startswith("IV")]
        elif scenario == "scottish_islands":
            places = HIGHLANDS_AND_ISLANDS[6:]
        elif scenario == "welsh_long_village":
            places = [WALES[1]]
        street, city, county, outwards, country = rng.choice(places)
        number = rng.randint(1, 180)
        line2 = None
        long_line = scenario == "long_lines" or (scenario is None and rng.random() < 0.05)
        style = rng.random()
        if long_line:
            line1 = "Flat %d, %s, %d %s" % (rng.randint(1, 40), rng.choice(LONG_BUILDINGS),
                                           number, street)
            if scenario == "long_lines" or rng.random() < 0.5:
                line2 = rng.choice(LONG_SECOND_LINES)
        elif scenario == "welsh_long_village" or style < 0.10:
            key = "wales" if region == "wales" else (
                "scotland" if region in ("scotland", "highlands") else "other")
            line1 = rng.choice(HOUSE_NAMES[key])
            line2 = street
        elif style < 0.30:
            line1 = "Flat %d" % rng.randint(1, 24)
            line2 = "%d %s" % (number, street)
        elif style < 0.40:
            line1 = "%d %s" % (number, street)
            line2 = rng.choice(LOCALITIES)
        else:
            line1 = "%d%s %s" % (number, rng.choice(("", "", "", "a", "b")), street)
        if scenario == "welsh_long_village":
            city = LLANFAIR_FULL
        company = None
        if business:
            company = rng.choice(("Ystwyth Crafts Cyf", "O'Brien & Daughters Ltd",
                                  "Highland Outdoor Supplies Ltd", "Café Crème (Belfast) Ltd",
                                  "The Jersey Pottery Studio"))
        postcode = self._postcode(rng.choice(outwards))
        if scenario is None and rng.random() < 0.02:
            postcode = postcode.replace(" ", "").lower()  # as the buyer typed it
        address = {"name": name}
        if company:
            address["companyName"] = company
        address["addressLine1"] = line1
        if line2:
            address["addressLine2"] = line2
        if rng.random() < 0.3:
            address["addressLine3"] = ""
        address["city"] = city
        if county:
            address["stateOrRegion"] = county
        if rng.random() < 0.3:
            address["municipality"] = ""
        address["postalCode"] = postcode
        address["countryCode"] = country
        no_phone = scenario in ("no_phone", "highland") or (
            scenario is None and rng.random() < 0.1)
        if not no_phone:
            address["phone"] = self._phone(country, region)
        address["addressType"] = "COMMERCIAL" if business else "RESIDENTIAL"
        return address

    def _bfpo_address(self, name):
        rng = self.rng
        first, _, last = name.partition(" ")
        rank = rng.choice(RANKS)
        units = ("HQ 7 Inf Bde", "1 Royal Welsh", "REME Workshop, 1 CS Bn",
                 "HMS Protector", "RAF Akrotiri, 84 Sqn", "Op CABRIT, eFP BG")
        address = {
            "name": "%s %s %s" % (rank, first[:1], last or first),
            "addressLine1": "%08d %s" % (rng.randrange(25000000, 30099999), rank),
            "addressLine2": rng.choice(units),
            "city": "BFPO %d" % rng.choice((38, 57, 105, 140, 204, 661)),
            "postalCode": "BF1 %d%s%s" % (rng.randint(1, 9), rng.choice(INCODE_LETTERS),
                                          rng.choice(INCODE_LETTERS)),
            "countryCode": "GB",
            "addressType": "RESIDENTIAL",
        }
        if rng.random() < 0.5:
            address["phone"] = self._phone("GB", "bfpo")
        return address

    # -------- the order

    def make(self, now, scenario=None):
        """One order (full, every dataset). @scenario: a name from SCENARIOS,
        or None for the showcase sequence first and random orders after."""
        if scenario is not None and scenario not in SCENARIOS:
            raise ValueError("unknown scenario %r (known: %s)"
                             % (scenario, ", ".join(sorted(SCENARIOS))))
        if scenario is None and self.count < len(SHOWCASE):
            scenario = SHOWCASE[self.count]
        if scenario == "plain":
            scenario = None
        self.count += 1
        rng = self.rng
        showcase = scenario is not None

        order_id = self._order_id()
        business = scenario == "business" or (not showcase and rng.random() < 0.06)
        prime = scenario == "prime_next_day" or (not showcase and rng.random() < 0.3)
        if scenario == "prime_next_day":
            level = "NEXT_DAY"
        elif scenario == "same_day":
            level = "SAME_DAY"
        elif showcase:
            level = "STANDARD"
        elif prime:
            level = rng.choice(("NEXT_DAY", "NEXT_DAY", "SECOND_DAY", "STANDARD"))
        else:
            level = _weighted(rng, SERVICE_LEVEL_WEIGHTS)

        region = self._region(scenario)
        buyer_name = self._name(showcase)
        gift = scenario == "gift" or (not showcase and rng.random() < 0.07)
        recipient_name = self._name(showcase) if gift and rng.random() < 0.7 else buyer_name
        address = self._address(region, recipient_name, scenario, business)

        # Times: placed between 20 minutes and 4 days ago; last updated a few
        # minutes after (payment authorised), and never within 3 minutes of now.
        created = int(now - rng.uniform(20 * 60, 4 * 86400))
        updated = min(created + rng.randint(60, 45 * 60), int(now) - 180)
        updated = max(updated, created)

        # Items.
        if scenario == "multi_item":
            n_items = 3
        elif showcase:
            n_items = 1
        else:
            n_items = _weighted(rng, ((1, 75), (2, 17), (3, 6), (4, 2)))
        products = rng.sample(CATALOGUE, n_items)
        items = []
        gift_item = rng.randrange(n_items) if gift else -1
        promo_item = rng.randrange(n_items) if (not showcase and rng.random() < 0.1) else -1
        for index, (sku, title, price) in enumerate(products):
            if scenario == "multi_quantity":
                qty = rng.randint(3, 6)
            elif scenario == "multi_item":
                qty = 2 if index == 1 else 1
            elif showcase:
                qty = 1
            else:
                qty = _weighted(rng, ((1, 80), (2, 10), (3, 4), (4, 2), (5, 1),
                                      (6, 1), (10, 1), (12, 1)))
            items.append(self._item(sku, title, Decimal(price), qty, level, prime, business,
                                    gift=index == gift_item, promo=index == promo_item,
                                    first=index == 0))

        order = {
            "orderId": order_id,
            "orderAliases": [{"aliasId": order_id, "aliasType": "SELLER_ORDER_ID"}],
            "createdTime": iso(created),
            "lastUpdatedTime": iso(updated),
        }
        programs = (["PRIME"] if prime else []) + (["AMAZON_BUSINESS"] if business else [])
        if programs:
            order["programs"] = programs
        order["salesChannel"] = {"channelName": "AMAZON", "marketplaceId": MARKETPLACE_ID,
                                 "marketplaceName": MARKETPLACE_NAME}
        buyer = {"buyerName": buyer_name,
                 "buyerEmail": "%s@marketplace.amazon.co.uk" % "".join(
                     rng.choice("abcdefghijklmnopqrstuvwxyz0123456789") for _ in range(15))}
        if business:
            buyer["buyerCompanyName"] = address.get("companyName", "")
            if rng.random() < 0.7:
                buyer["buyerPurchaseOrderNumber"] = "PO-%d-%04d" % (
                    datetime.datetime.fromtimestamp(created, datetime.timezone.utc).year,
                    rng.randint(1, 9999))
        order["buyer"] = buyer
        recipient = {"deliveryAddress": address}
        if scenario == "delivery_instructions" or (not showcase and rng.random() < 0.08):
            drop, instruction = rng.choice(DELIVERY_INSTRUCTIONS)
            pref = {}
            if drop:
                pref["dropOffLocation"] = drop
            if instruction:
                pref["addressInstruction"] = instruction
            recipient["deliveryPreference"] = pref
        order["recipient"] = recipient
        order["proceeds"] = self._order_proceeds(items)
        order["payment"] = {"paymentExecutions": [{
            "paymentMethod": "Other", "paymentAmount": order["proceeds"]["grandTotal"]}]}
        if business:
            order["tax"] = {"taxRegistrations": [{
                "entityType": "BUYER", "legalName": address.get("companyName", buyer_name),
                "taxRegistrationType": "VAT",
                "taxRegistrationNumber": "GB%09d" % rng.randrange(10 ** 8, 10 ** 9)}]}

        ship_days = 0 if level in ("SAME_DAY", "NEXT_DAY", "PRIORITY") else (
            1 if prime or level in ("EXPEDITED", "SECOND_DAY") else 2)
        ship_latest = _day_end(created, ship_days)
        transit = TRANSIT_DAYS[level]
        if region == "bfpo":
            transit += 7
        elif region in ("highlands", "northern_ireland", "jersey", "guernsey", "isle_of_man"):
            transit += 2
        if transit:
            deliver = (ship_latest + 1, _day_end(ship_latest, transit))
        else:
            deliver = (created, ship_latest)
        order["fulfillment"] = {
            "fulfillmentStatus": "UNSHIPPED",
            "fulfilledBy": "MERCHANT",
            "fulfillmentServiceLevel": level,
            "shipByWindow": {"earliestDateTime": iso(created), "latestDateTime": iso(ship_latest)},
            "deliverByWindow": {"earliestDateTime": iso(deliver[0]),
                                "latestDateTime": iso(deliver[1])},
        }
        order["orderItems"] = items

        if not showcase:
            status = _weighted(rng, (("UNSHIPPED", 85), ("PENDING", 3), ("SHIPPED", 7),
                                     ("PARTIALLY_SHIPPED", 1), ("CANCELLED", 4)))
            if status == "PARTIALLY_SHIPPED" and len(items) < 2:
                status = "SHIPPED"
            if status == "PENDING" and now - created > 6 * 3600:
                status = "UNSHIPPED"  # payment is authorised within hours
            self._apply_history(order, status, created, updated, now)
        return order

    def _item(self, sku, title, price, qty, level, prime, business, gift, promo, first):
        rng = self.rng
        item = {"orderItemId": self._item_id(), "quantityOrdered": qty}
        product = {"asin": asin_for(sku), "title": title, "sellerSku": sku,
                   "condition": {"conditionType": "NEW", "conditionSubtype": "NEW"},
                   "price": {"unitPrice": money(price)}}
        if business and rng.random() < 0.5:
            price = (price * Decimal("0.9")).quantize(Decimal("0.01"))
            product["price"] = {"unitPrice": money(price), "priceDesignation": "BUSINESS_PRICE"}
        item["product"] = product

        subtotal = price * qty
        breakdowns = [{"type": "ITEM", "subtotal": money(subtotal)}]
        shipping = Decimal("0.00") if prime or not first else Decimal(SHIPPING_CHARGE[level])
        total = subtotal + shipping
        if first:
            breakdowns.append({"type": "SHIPPING", "subtotal": money(shipping)})
        wrap_level = None
        if gift and rng.random() < 0.6:
            wrap_level = rng.choice(("STANDARD", "PREMIUM"))
            wrap = Decimal("3.99") if wrap_level == "STANDARD" else Decimal("5.99")
            breakdowns.append({"type": "GIFT_WRAP", "subtotal": money(wrap)})
            total += wrap
        if promo:
            discount = min((subtotal * Decimal("0.1")).quantize(Decimal("0.01")), subtotal)
            breakdowns.append({"type": "DISCOUNT", "subtotal": money(-discount)})
            total -= discount
            item["promotion"] = {"breakdowns": [{"promotionId": rng.choice((
                "UK-SPRING-10OFF", "PB-LOYAL-10", "A1F83G8C2ARO7P-SAVE10"))}]}
        item["proceeds"] = {"proceedsTotal": money(total), "breakdowns": breakdowns}

        fulfillment = {"quantityFulfilled": 0, "quantityUnfulfilled": qty}
        if gift:
            option = {"giftMessage": rng.choice(GIFT_MESSAGES)}
            if wrap_level:
                option["giftWrapLevel"] = wrap_level
            fulfillment["packing"] = {"giftOption": option}
        if price * qty >= SIGNATURE_THRESHOLD:
            fulfillment["shipping"] = {
                "shippingConstraints": {"signatureConfirmation": "MANDATORY"}}
        item["fulfillment"] = fulfillment
        return item

    @staticmethod
    def _order_proceeds(items):
        sums = {}
        for item in items:
            for entry in item["proceeds"]["breakdowns"]:
                sums[entry["type"]] = sums.get(entry["type"], Decimal(0)) + Decimal(
                    entry["subtotal"]["amount"])
        total = sum((Decimal(i["proceeds"]["proceedsTotal"]["amount"]) for i in items), Decimal(0))
        return {"grandTotal": money(total),
                "breakdowns": [{"type": t, "subtotal": money(v)} for t, v in sums.items()]}

    def _apply_history(self, order, status, created, updated, now):
        """Moves a generated order on to @status, as if it happened in the past."""
        rng = self.rng
        fulfillment = order["fulfillment"]
        fulfillment["fulfillmentStatus"] = status
        items = order["orderItems"]
        if status == "CANCELLED":
            buyer = rng.random() < 0.7
            reason = rng.choice(BUYER_CANCEL_REASONS) if buyer else "NoInventory"
            for item in items:
                cancellation = {}
                if buyer:
                    cancellation["cancellationRequest"] = {"requester": "BUYER",
                                                           "cancelReason": reason}
                cancellation["cancellationExecution"] = {
                    "cancelledBy": "BUYER" if buyer else "MERCHANT", "cancelReason": reason}
                item["cancellation"] = cancellation
                item["fulfillment"]["quantityUnfulfilled"] = 0
        elif status in ("SHIPPED", "PARTIALLY_SHIPPED"):
            shipped = items if status == "SHIPPED" else items[:1]
            ship_time = min(updated + rng.randint(3600, 6 * 3600), int(now) - 240)
            ship_time = max(ship_time, updated)
            service = rng.choice(("Royal Mail Tracked 48", "Royal Mail Tracked 24",
                                  "Royal Mail Special Delivery Guaranteed by 1pm"))
            package = {
                "packageReferenceId": "1",
                "createdTime": iso(ship_time),
                "packageStatus": {"status": rng.choice(("SHIPPED", "IN_TRANSIT", "DELIVERED"))},
                "carrier": "Royal Mail",
                "shipTime": iso(ship_time),
                "shippingService": service,
                "trackingNumber": s10_tracking(rng, "AD" if "Special" in service else "QE"),
                "packageItems": [{"orderItemId": i["orderItemId"], "quantity": i["quantityOrdered"]}
                                 for i in shipped],
            }
            if package["packageStatus"]["status"] == "DELIVERED":
                package["packageStatus"]["detailedStatus"] = "DELIVERED"
            order["packages"] = [package]
            for item in shipped:
                item["fulfillment"]["quantityFulfilled"] = item["quantityOrdered"]
                item["fulfillment"]["quantityUnfulfilled"] = 0
            updated = ship_time
        order["lastUpdatedTime"] = iso(max(updated, created))
