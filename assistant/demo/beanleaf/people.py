"""Bean & Leaf's customers: names, e-mails, addresses and payment methods on file."""

from __future__ import annotations

import random
import string
import unicodedata

from assistant.store.models import (
    CreditCard,
    GiftCard,
    Paypal,
    User,
    UserAddress,
    UserName,
)

FIRST_NAMES = (
    "Ana", "Ben", "Chloe", "Diego", "Emma", "Farah", "Gabriel", "Hana", "Isaac", "Jade",
    "Kofi", "Lena", "Mateo", "Nora", "Omar", "Priya", "Quinn", "Rosa", "Samir", "Tessa",
    "Umar", "Vera", "Wes", "Ximena", "Yuki", "Zoë", "Aiden", "Bianca", "Caleb", "Dalia",
    "Elias", "Freya", "Grace", "Hugo", "Ines", "Jonah", "Keiko", "Liam", "Maya", "Niko",
    "Olivia", "Pablo", "Renée", "Sofia", "Theo", "Uma", "Victor", "Willa", "Yara", "Zane",
    "José", "Amara", "Bruno", "Clara", "Dev", "Elena", "Felix", "Greta", "Hiro", "Iris",
)  # fmt: skip
LAST_NAMES = (
    "Ruiz", "Okafor", "Nguyen", "Schmidt", "Patel", "Kowalski", "Haddad", "Tanaka", "Brennan",
    "Silva", "Moreau", "Jensen", "Castillo", "Abara", "Lindqvist", "Romano", "Chen", "Murphy",
    "Novak", "Adeyemi", "Fischer", "Costa", "Yilmaz", "Walsh", "Kim", "Delgado", "Ibrahim",
    "Larsen", "Petrov", "Mensah", "Alvarez", "Byrne", "Sato", "Hoffmann", "Rossi", "Dubois",
    "Mwangi", "Olsen", "Reyes", "Cohen", "Baptiste", "Varga", "Quinlan", "Park", "Martín",
    "Müller", "O'Neill", "Ferreira", "Holm", "Grant",
)  # fmt: skip

# (city, state, zip prefix): zips are the prefix plus random digits.
US_CITIES = (
    ("Portland", "OR", "972"),
    ("Seattle", "WA", "981"),
    ("Oakland", "CA", "946"),
    ("Los Angeles", "CA", "900"),
    ("San Diego", "CA", "921"),
    ("Austin", "TX", "787"),
    ("Houston", "TX", "770"),
    ("Denver", "CO", "802"),
    ("Chicago", "IL", "606"),
    ("Minneapolis", "MN", "554"),
    ("Brooklyn", "NY", "112"),
    ("New York", "NY", "100"),
    ("Boston", "MA", "021"),
    ("Philadelphia", "PA", "191"),
    ("Asheville", "NC", "288"),
    ("Atlanta", "GA", "303"),
    ("Miami", "FL", "331"),
)
STREETS = (
    "Alder Street", "Maple Avenue", "Cedar Lane", "Harbor Road", "Juniper Court", "Elm Street",
    "Grove Avenue", "Mill Road", "Orchard Way", "Willow Drive", "Summit Avenue", "Bay Street",
    "Chestnut Street", "Park Place", "Ridge Road", "Water Street", "Linden Avenue",
)  # fmt: skip
INTERNATIONAL_SHARE = 0.12
EMAIL_DOMAINS = ("example.com", "example.net", "example.org")


def _ascii(text: str) -> str:
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return "".join(c for c in folded.lower() if c.isalnum())


def _digits(rng: random.Random, n: int) -> str:
    return "".join(rng.choice(string.digits) for _ in range(n))


def _letters(rng: random.Random, n: int) -> str:
    return "".join(rng.choice(string.ascii_uppercase) for _ in range(n))


def _international(rng: random.Random, street: str, number: int) -> UserAddress:
    country = rng.choice(("Canada", "Canada", "United Kingdom", "Germany", "Ireland"))
    if country == "Canada":
        city, state, first = rng.choice(
            (("Toronto", "ON", "M"), ("Vancouver", "BC", "V"), ("Montreal", "QC", "H"))
        )
        postal = f"{first}{rng.randint(1, 9)}{_letters(rng, 1)} {rng.randint(1, 9)}"
        postal += f"{_letters(rng, 1)}{rng.randint(0, 9)}"
        return UserAddress(
            address1=f"{number} {street}",
            address2="",
            city=city,
            country=country,
            state=state,
            zip=postal,
        )
    if country == "United Kingdom":
        city, state, area = rng.choice(
            (
                ("London", "England", "E"),
                ("Manchester", "England", "M"),
                ("Edinburgh", "Scotland", "EH"),
            )
        )
        postal = f"{area}{rng.randint(1, 19)} {rng.randint(1, 9)}{_letters(rng, 2)}"
        return UserAddress(
            address1=f"{number} {street.replace('Avenue', 'Road')}",
            address2="",
            city=city,
            country=country,
            state=state,
            zip=postal,
        )
    if country == "Germany":
        city, state, prefix = rng.choice((("Berlin", "Berlin", "10"), ("Munich", "Bavaria", "80")))
        german = rng.choice(("Lindenstraße", "Bergstraße", "Gartenweg", "Kastanienallee"))
        return UserAddress(
            address1=f"{german} {number % 120 + 1}",
            address2="",
            city=city,
            country=country,
            state=state,
            zip=prefix + _digits(rng, 3),
        )
    return UserAddress(
        address1=f"{number % 90 + 1} {street}",
        address2="",
        city="Dublin",
        country="Ireland",
        state="County Dublin",
        zip=f"D{rng.randint(1, 24):02d} {_letters(rng, 1)}{_digits(rng, 3)}",
    )


def address(rng: random.Random) -> UserAddress:
    """A street address: most in the US, some in Canada, the UK, Germany and Ireland."""
    street, number = rng.choice(STREETS), rng.randint(2, 2999)
    if rng.random() < INTERNATIONAL_SHARE:
        return _international(rng, street, number)
    city, state, prefix = rng.choice(US_CITIES)
    unit = rng.choice(
        ("", "", "", f"Apt {rng.randint(1, 40)}{rng.choice('ABCD')}", f"Unit {rng.randint(1, 300)}")
    )
    return UserAddress(
        address1=f"{number} {street}",
        address2=unit,
        city=city,
        country="USA",
        state=state,
        zip=prefix + _digits(rng, 2),
    )


class _Ids:
    """Store-wide counters, so payment method ids are unique across customers."""

    def __init__(self) -> None:
        self.next_method = 1001

    def method(self, kind: str) -> str:
        method_id = f"{kind}-{self.next_method}"
        self.next_method += 1
        return method_id


def _payment_methods(rng: random.Random, ids: _Ids) -> dict[str, CreditCard | Paypal | GiftCard]:
    methods: list[CreditCard | Paypal | GiftCard] = []
    kinds = rng.sample(("card", "paypal", "giftcard"), k=rng.choice((1, 1, 2, 2, 3)))
    if "card" not in kinds and rng.random() < 0.6:
        kinds.insert(0, "card")
    for kind in kinds:
        if kind == "card":
            for _ in range(rng.choice((1, 1, 1, 2))):
                methods.append(
                    CreditCard(
                        source="credit_card",
                        id=ids.method("card"),
                        brand=rng.choice(("visa", "visa", "mastercard", "amex", "discover")),
                        last_four=_digits(rng, 4),
                    )
                )
        elif kind == "paypal":
            methods.append(Paypal(source="paypal", id=ids.method("paypal")))
        else:
            balance = rng.choice((0.0, 10.0, 25.0, 50.0, 75.0, 100.0)) + rng.choice(
                (0, 0, 4.5, 12.25)
            )
            methods.append(GiftCard(source="gift_card", id=ids.method("giftcard"), balance=balance))
    return {m.id: m for m in methods}


def _email(rng: random.Random, first: str, last: str, taken: set[str]) -> str:
    patterns = (f"{first}.{last}", f"{first}{last[0]}", f"{first[0]}{last}", f"{last}.{first}")
    local = rng.choice(patterns)
    email = f"{local}@{rng.choice(EMAIL_DOMAINS)}"
    while email in taken:
        email = f"{local}{rng.randint(2, 99)}@{rng.choice(EMAIL_DOMAINS)}"
    taken.add(email)
    return email


def customers(rng: random.Random, count: int) -> list[User]:
    """`count` customers with unique ids (`ana.ruiz`, `ana.ruiz2` on a clash) and e-mails.

    Their `orders` lists are empty; the order generator fills them.
    """
    pairs = [(f, last) for f in FIRST_NAMES for last in LAST_NAMES]
    chosen = rng.sample(pairs, count)
    ids, users = _Ids(), []
    taken_ids: set[str] = set()
    taken_emails: set[str] = set()
    for first, last in chosen:
        base = f"{_ascii(first)}.{_ascii(last)}"
        user_id, n = base, 2
        while user_id in taken_ids:
            user_id, n = f"{base}{n}", n + 1
        taken_ids.add(user_id)
        users.append(
            User(
                user_id=user_id,
                name=UserName(first_name=first, last_name=last),
                address=address(rng),
                email=_email(rng, _ascii(first), _ascii(last), taken_emails),
                payment_methods=_payment_methods(rng, ids),
                orders=[],
            )
        )
    return users
