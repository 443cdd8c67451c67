"""Bean & Leaf: a generated coffee and tea shop, the second demo store.

`generate(seed=0)` builds the whole store from one `random.Random(seed)`: the same seed gives
the same store, field for field; another seed gives other prices, stock, copy wording,
customers and orders over the same product lines. Nothing in it comes from τ²-bench.

Catalog (43 product lines, 260-270 variants; `catalog.py`, `coffee.py`, `tea.py`, `gear.py`,
`tableware.py`)
    Coffee beans by roast, origin, grind and bag size; loose-leaf teas by tea type, size and
    packaging; grinders, kettles, pour-over drippers, sets and paper filters, French presses,
    espresso tools, a scale, mugs, cups and tumblers by color and size, teapots and gift
    boxes. Consumables (coffee, tea, filters, tasting boxes) and durable goods. About one
    variant in ten is out of stock, and one coffee or tea line (chosen by the seed) is sold
    out entirely. Facts the copy may state are `key:value` tags (`region:Huila`,
    `notes:caramel`, `material:stainless steel`, `steep:80°C for 2–3 minutes`, ...); the
    description is written from the record's name, brand, those tags and its options only
    (`descriptions.py`). Images follow
    `https://cdn.beanleaf.example/products/{product id, lower case}/{name slug}.jpg`.

Customers (150; `people.py`) and orders (400; `orders.py`, `baskets.py`)
    Names, e-mails at example.com/.net/.org, addresses in 13 US states plus Canada, the UK,
    Germany and Ireland, and credit cards, PayPal and gift cards with balances. Every
    customer has 1-6 orders; statuses follow age: the newest are pending or processed, the
    older delivered, some cancelled (with a refund), some with a return or an exchange
    requested, in the shape the customer-service tools write them.

Ids (chosen so none looks like τ²'s 10-digit numbers or `#W` + 7 digits)
    - product: `BL-P0001` ... in catalog order;
    - item (variant) id = SKU: `BL-` + line code + the codes of the options that vary between
      the line's variants, e.g. `BL-YRG-250-WB` (Yirgacheffe, 250g, whole bean),
      `BL-CER-D-1K-FP` (Cerrado, dark, 1kg, french press), `BL-MUG-SGE-12`;
    - order: `#BL` + 6 digits, growing with time, e.g. `#BL100101`;
    - user: `first.last` in ASCII lower case, e.g. `ana.ruiz` (`ana.ruiz2` on a clash);
    - payment method: `card-1001`, `paypal-1002`, `giftcard-1003` (one counter store-wide);
    - shipment tracking: `BLT-` + 8 digits.

Planted preferences (`preferences.py`; written to `preferences.json` beside the data)
    Each customer drinks coffee (55%), tea (20%) or both (25%) and has:

    - a usual grind, i.e. brew method (whole bean 30%, pour-over 20%, espresso 15%,
      french press 15%, drip 12%, moka pot 8%) and a favorite roast that goes with it
      (espresso and moka pot drinkers lean dark, pour-over drinkers light). Each coffee
      they buy is in that grind 90% of the time, and each coffee besides their staple in
      that roast 85% of the time (the staple always is); other coffees are ones sold in
      that grind where the catalog has one;
    - a usual bag size (250g, 500g or 1kg), chosen 85% of the time;
    - a favorite tea type (green, black, oolong, white, herbal), for 85% of their other teas;
    - staples: one coffee and/or one tea (matching the favorites) that 65% of their orders
      hold again, the repeat purchases of consumables; refill pouches three times in four;
    - a price band (budget, mid, premium): 75% of their gear comes from lines of that tier
      (the cheapest or dearest fitting line when none is), and within a line budget shoppers
      take the cheapest matching variant, premium ones the dearest;
    - a favorite color, asked for in 75% of their drinkware and gear;
    - gear that fits how they brew (grinders for whole-bean buyers, tampers and pitchers
      for espresso, drippers, filters and gooseneck kettles for pour-over, teapots for tea
      drinkers), each line bought at most once.

    Read back from the orders over seeds 0-19, among customers with 3+ coffee (tea) items:
    90-95% of those items are in the favorite roast, 86-93% in the usual grind and 86-96%
    of tea items in the favorite tea type.

Files: `files.write_store` / `files.read_store`; loading: `load_beanleaf(settings, progress)`
(`shopassist data demo --store beanleaf`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from assistant.demo.beanleaf.generator import BeanleafStore, generate

if TYPE_CHECKING:
    from assistant.demo.beanleaf.loader import load_beanleaf

__all__ = ["BeanleafStore", "generate", "load_beanleaf"]


def __getattr__(name: str) -> Any:  # lazy: the loader pulls in the store and settings
    if name == "load_beanleaf":
        from assistant.demo.beanleaf.loader import load_beanleaf

        return load_beanleaf
    raise AttributeError(name)
