"""The demo catalogue: 600 made-up but realistic products over 10 categories, written by this
module so the first run needs no data. Deterministic for a seed. Popularity follows a Zipf-like long
tail (a few products hold most ratings, about 8% have none: cold start), and about a third of the
tail has no description, as real catalogues do.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from pathlib import Path

from retrieval.types import Product

PRODUCTS_PER_CATEGORY = 60


@dataclass(frozen=True)
class _Category:
    path: tuple[str, ...]
    types: tuple[str, ...]
    brands: tuple[str, ...]
    attributes: dict[str, tuple[str, ...]]
    title_keys: tuple[str, ...]  # attributes named in the title, in order
    descriptors: tuple[str, ...]
    price: tuple[float, float]
    benefits: tuple[str, ...]
    # Per product type: attribute values that replace the category's (an empty tuple drops the
    # attribute, a new key adds one), so that no kettlebell is made of cork.
    by_type: dict[str, dict[str, tuple[str, ...]]] = field(default_factory=dict)


_COLORS = ("Black", "White", "Navy", "Grey", "Red", "Olive", "Blue", "Sand")

_CATEGORIES = (
    _Category(
        path=("Beauty", "Skin Care"),
        types=(
            "Moisturizer",
            "Face Serum",
            "Gentle Cleanser",
            "Mineral Sunscreen",
            "Night Cream",
            "Exfoliating Toner",
        ),
        brands=("Hydrova", "Lumen & Leaf", "Dermaclair", "Botanica Pure", "Sunward", "Okaso"),
        attributes={
            "Skin Type": ("Dry", "Oily", "Sensitive", "Combination", "All Skin Types"),
            "Fragrance": ("Fragrance-Free", "Lavender", "Citrus", "Rose"),
            "Key Ingredient": (
                "Hyaluronic Acid",
                "Niacinamide",
                "Vitamin C",
                "Ceramides",
                "Retinol",
                "Aloe Vera",
            ),
            "Size": ("1 fl oz", "1.7 fl oz", "3.4 fl oz", "8 fl oz"),
        },
        title_keys=("Key Ingredient", "Skin Type", "Size"),
        descriptors=("Daily", "Hydrating", "Calming", "Brightening", "Lightweight", "Rich"),
        price=(8.0, 68.0),
        benefits=(
            "Absorbs quickly without a greasy finish.",
            "Dermatologist tested.",
            "Suitable for morning and evening use.",
            "Cruelty-free and vegan formula.",
        ),
    ),
    _Category(
        path=("Beauty", "Hair Care"),
        types=(
            "Shampoo",
            "Conditioner",
            "Hair Oil",
            "Leave-In Conditioner",
            "Dry Shampoo",
            "Hair Mask",
        ),
        brands=("Maneworks", "Curl Theory", "Silkroot", "Northshore Botanics", "Velour"),
        attributes={
            "Hair Type": ("Curly", "Fine", "Thick", "Color-Treated", "All Hair Types"),
            "Fragrance": ("Fragrance-Free", "Coconut", "Citrus", "Eucalyptus"),
            "Sulfate-Free": ("Yes", "No"),
            "Size": ("3.4 fl oz", "8.5 fl oz", "12 fl oz", "16 fl oz"),
        },
        title_keys=("Hair Type", "Size"),
        descriptors=("Repairing", "Volumizing", "Smoothing", "Moisture", "Clarifying", "Gentle"),
        price=(6.0, 42.0),
        benefits=(
            "Leaves hair soft and manageable.",
            "Safe for daily use.",
            "Made without parabens.",
            "Reduces frizz in humid weather.",
        ),
    ),
    _Category(
        path=("Kitchen", "Cookware"),
        by_type={
            "Skillet": {"Size": ("8 inch", "10 inch", "12 inch")},
            "Grill Pan": {"Size": ("10 inch", "12 inch")},
            "Wok": {"Size": ("12 inch", "14 inch"), "Material": ("Carbon Steel", "Cast Iron")},
            "Saucepan": {"Size": ("1.5 quart", "2 quart", "3 quart")},
            "Dutch Oven": {"Size": ("4 quart", "5.5 quart", "7 quart")},
            "Stock Pot": {"Size": ("8 quart", "12 quart", "16 quart")},
        },
        types=("Skillet", "Saucepan", "Dutch Oven", "Wok", "Stock Pot", "Grill Pan"),
        brands=("Ironhearth", "Copperline", "Panterra", "Kitchara", "Forge & Flame"),
        attributes={
            "Material": (
                "Cast Iron",
                "Stainless Steel",
                "Nonstick Ceramic",
                "Carbon Steel",
                "Enameled Cast Iron",
            ),
            "Size": ("8 inch", "10 inch", "12 inch", "3 quart", "5.5 quart"),
            "Induction Compatible": ("Yes", "No"),
            "Color": ("Black", "Red", "Blue", "Silver", "Cream"),
        },
        title_keys=("Material", "Size"),
        descriptors=(
            "Pre-Seasoned",
            "Tri-Ply",
            "Professional",
            "Classic",
            "Everyday",
            "Heavy-Duty",
        ),
        price=(18.0, 240.0),
        benefits=(
            "Oven safe to 500°F.",
            "Distributes heat evenly.",
            "Dishwasher safe.",
            "Comes with a tempered glass lid.",
        ),
    ),
    _Category(
        path=("Grocery", "Coffee & Tea"),
        by_type={
            **{
                kind: {
                    "Origin": ("Japan", "India", "China", "Sri Lanka", "Kenya"),
                    "Flavor": ("Floral", "Grassy", "Malty", "Spiced", "Fruity"),
                }
                for kind in ("Loose Leaf Tea", "Tea Bags")
            },
            **{
                kind: {"Roast": ("Light", "Medium", "Dark")}
                for kind in ("Whole Bean Coffee", "Ground Coffee", "Espresso Pods")
            },
        },
        types=(
            "Whole Bean Coffee",
            "Ground Coffee",
            "Loose Leaf Tea",
            "Tea Bags",
            "Cold Brew Concentrate",
            "Espresso Pods",
        ),
        brands=("Highland Roasters", "Tealeaf & Co", "Morning Ritual", "Kettle Peak", "Bruja Bean"),
        attributes={
            "Flavor": ("Chocolate", "Caramel", "Fruity", "Nutty", "Floral", "Spiced"),
            "Caffeine": ("Regular", "Decaf"),
            "Origin": ("Colombia", "Ethiopia", "Kenya", "Guatemala", "Sumatra", "Brazil"),
            "Organic": ("Yes", "No"),
            "Weight": ("100 g", "12 oz", "1 lb", "2 lb"),
        },
        title_keys=("Origin", "Flavor", "Weight"),
        descriptors=("Single-Origin", "Small-Batch", "Fair Trade", "Signature", "Reserve", "House"),
        price=(5.0, 36.0),
        benefits=(
            "Roasted in small batches.",
            "Packed in a resealable bag.",
            "Ethically sourced from family farms.",
            "Smooth with a clean finish.",
        ),
    ),
    _Category(
        path=("Sports", "Running Shoes"),
        types=("Road Running Shoe", "Trail Running Shoe", "Racing Flat", "Stability Running Shoe"),
        brands=("Stridelab", "Peakrunner", "Aerofoot", "Kinetica", "Tempo"),
        attributes={
            "Gender": ("Men's", "Women's", "Unisex"),
            "Width": ("Regular", "Wide"),
            "Drop": ("4 mm", "8 mm", "10 mm"),
            "Waterproof": ("Yes", "No"),
            "Color": _COLORS,
        },
        title_keys=("Gender", "Color"),
        descriptors=("Cushioned", "Lightweight", "Responsive", "Grippy", "Breathable", "Everyday"),
        price=(45.0, 190.0),
        benefits=(
            "Breathable knit upper.",
            "Durable rubber outsole.",
            "Cushioned midsole for long runs.",
            "Reflective details for low light.",
        ),
    ),
    _Category(
        path=("Electronics", "Headphones"),
        by_type={
            kind: {"Connectivity": ("Bluetooth",)} for kind in ("Wireless Earbuds", "Sport Earbuds")
        },
        types=("Over-Ear Headphones", "Wireless Earbuds", "On-Ear Headphones", "Sport Earbuds"),
        brands=("Sonance", "Auralite", "Decibel Labs", "Quietwave", "Pulsebeat"),
        attributes={
            "Connectivity": ("Bluetooth", "Wired", "Bluetooth and Wired"),
            "Noise Cancelling": ("Active", "Passive", "None"),
            "Battery Life": ("8 hours", "20 hours", "30 hours", "40 hours"),
            "Color": ("Black", "White", "Silver", "Blue", "Rose Gold"),
        },
        title_keys=("Connectivity", "Color"),
        descriptors=("Studio", "Travel", "Compact", "Pro", "Bass-Boosted", "Foldable"),
        price=(15.0, 350.0),
        benefits=(
            "Built-in microphone for calls.",
            "Comfortable memory-foam cushions.",
            "Fast charging over USB-C.",
            "Sweat and splash resistant.",
        ),
    ),
    _Category(
        path=("Outdoor", "Backpacks"),
        types=(
            "Daypack",
            "Hiking Backpack",
            "Travel Backpack",
            "Laptop Backpack",
            "Hydration Pack",
        ),
        brands=("Trailmark", "Summit Supply", "Nomad Gear", "Ridgeline", "Canopy"),
        attributes={
            "Capacity": ("18 L", "25 L", "35 L", "45 L", "65 L"),
            "Material": ("Nylon", "Recycled Polyester", "Waxed Canvas", "Ripstop Nylon"),
            "Waterproof": ("Yes", "No"),
            "Color": _COLORS,
        },
        title_keys=("Capacity", "Material", "Color"),
        descriptors=("Ultralight", "Rugged", "Convertible", "Everyday", "Expedition", "Urban"),
        price=(25.0, 280.0),
        benefits=(
            "Padded, adjustable shoulder straps.",
            "Fits a 15-inch laptop.",
            "Lockable zippers for travel.",
            "Ventilated back panel.",
        ),
    ),
    _Category(
        path=("Sports", "Yoga & Fitness"),
        by_type={
            "Yoga Mat": {"Material": ("TPE", "Natural Rubber", "Cork", "PVC-Free Foam")},
            "Yoga Block": {"Material": ("Cork", "PVC-Free Foam", "Bamboo")},
            "Foam Roller": {"Material": ("EVA Foam", "PVC-Free Foam")},
            "Resistance Bands": {"Material": ("Natural Rubber", "TPE", "Fabric")},
            "Jump Rope": {"Material": ("PVC", "Steel Cable", "Cotton")},
            "Kettlebell": {
                "Material": ("Cast Iron", "Vinyl-Coated Iron"),
                "Weight": ("8 lb", "15 lb", "20 lb", "35 lb"),
            },
        },
        types=(
            "Yoga Mat",
            "Resistance Bands",
            "Foam Roller",
            "Yoga Block",
            "Jump Rope",
            "Kettlebell",
        ),
        brands=("Zenform", "Flexcore", "Asana Atelier", "Ironbloom", "Motiv"),
        attributes={
            "Material": ("TPE", "Natural Rubber", "Cork", "PVC-Free Foam", "Cast Iron"),
            "Eco-Friendly": ("Yes", "No"),
            "Color": ("Purple", "Black", "Teal", "Grey", "Coral"),
        },
        title_keys=("Material", "Color"),
        descriptors=("Non-Slip", "Extra-Thick", "Travel", "Studio", "Pro", "Eco"),
        price=(9.0, 120.0),
        benefits=(
            "Comes with a carrying strap.",
            "Easy to wipe clean.",
            "Grippy surface even when sweaty.",
            "Free of latex and phthalates.",
        ),
    ),
    _Category(
        path=("Home", "Lighting"),
        types=(
            "Desk Lamp",
            "Floor Lamp",
            "LED Strip Lights",
            "Table Lamp",
            "Smart Bulb",
            "Reading Light",
        ),
        brands=("Luminary", "Glowhaus", "Brightwell", "Nordlys", "Ambra"),
        attributes={
            "Light Color": ("Warm White", "Cool White", "Adjustable", "RGB"),
            "Power Source": ("Plug-in", "Battery", "USB"),
            "Style": ("Modern", "Industrial", "Mid-Century", "Minimalist"),
            "Dimmable": ("Yes", "No"),
        },
        title_keys=("Style", "Light Color"),
        descriptors=("Adjustable", "Slim", "Touch-Control", "Energy-Saving", "Architect", "Cozy"),
        price=(10.0, 220.0),
        benefits=(
            "Flicker-free LEDs that are easy on the eyes.",
            "Rated for 25,000 hours.",
            "Sturdy weighted base.",
            "Works with voice assistants.",
        ),
    ),
    _Category(
        path=("Pets", "Dog Supplies"),
        by_type={
            "Dog Bed": {"Material": ("Memory Foam", "Organic Cotton", "Faux Fur")},
            "Chew Toy": {"Material": ("Natural Rubber", "Nylon", "Rope")},
            "Dog Harness": {"Material": ("Nylon", "Mesh", "Leather")},
            "Leash": {"Material": ("Nylon", "Leather", "Rope")},
            "Dry Dog Food": {
                "Material": (),
                "Color": (),
                "Formula": ("Grain-Free", "Chicken & Rice", "Salmon & Sweet Potato", "Puppy"),
                "Weight": ("4 lb", "15 lb", "30 lb"),
            },
            "Dog Shampoo": {
                "Material": (),
                "Color": (),
                "Fragrance": ("Oatmeal", "Unscented", "Lavender", "Coconut"),
            },
        },
        types=("Dog Bed", "Chew Toy", "Dog Harness", "Dry Dog Food", "Dog Shampoo", "Leash"),
        brands=("Happy Tails", "Barkwell", "Pawsome", "Wildpup", "Good Boy Goods"),
        attributes={
            "Dog Size": ("Small", "Medium", "Large", "All Sizes"),
            "Material": ("Memory Foam", "Natural Rubber", "Nylon", "Organic Cotton"),
            "Color": ("Brown", "Grey", "Blue", "Green", "Pink"),
        },
        title_keys=("Dog Size", "Color"),
        descriptors=("Orthopedic", "Durable", "No-Pull", "Gentle", "Calming", "Adventure"),
        price=(7.0, 130.0),
        benefits=(
            "Machine washable cover.",
            "Vet recommended.",
            "Built to survive heavy chewers.",
            "Reflective stitching for night walks.",
        ),
    ),
)


def demo_products(seed: int = 7) -> list[Product]:
    rng = random.Random(seed)
    drafts = []
    for number, category in enumerate(_CATEGORIES):
        for i in range(PRODUCTS_PER_CATEGORY):
            drafts.append(_draft(rng, category, f"demo-{number:02d}{i:03d}"))
    # A Zipf-like long tail over the whole catalogue: rank r gets ~ 20000 / r^1.1 ratings.
    ranking = list(range(len(drafts)))
    rng.shuffle(ranking)
    products = []
    for rank, index in enumerate(ranking, start=1):
        draft = drafts[index]
        cold_start = rank > len(drafts) * 0.92
        count = 0 if cold_start else max(1, int(20000 / rank**1.1 * rng.uniform(0.8, 1.2)))
        rating = None if cold_start else round(min(5.0, max(2.5, rng.gauss(4.2, 0.45))), 1)
        thin = rank > len(drafts) * 0.5 and rng.random() < 0.35
        products.append(
            Product.model_validate(
                {
                    **draft,
                    "description": "" if thin else draft["description"],
                    "rating_count": count,
                    "popularity": float(count),
                    "average_rating": rating,
                }
            )
        )
    products.sort(key=lambda p: p.id)
    return products


def _draft(rng: random.Random, category: _Category, product_id: str) -> dict[str, object]:
    kind = rng.choice(category.types)
    brand = rng.choice(category.brands)
    spec = {**category.attributes, **category.by_type.get(kind, {})}
    attributes = {key: rng.choice(values) for key, values in spec.items() if values}
    descriptor = rng.choice(category.descriptors)
    named = [attributes[k] for k in category.title_keys if k in attributes]
    title = f"{brand} {descriptor} {kind}, " + ", ".join(named)
    low, high = category.price
    # Prices cluster low with a long upper tail, and end in .99 or .49 like shop prices do.
    price = low + (high - low) * rng.random() ** 2
    price = max(0.99, round(price) - rng.choice((0.01, 0.51)))
    details = ", ".join(
        f"{k.lower()} {v}" for k, v in attributes.items() if k not in category.title_keys
    )
    description = f"{descriptor} {kind.lower()} from {brand} with {details}. " + " ".join(
        rng.sample(category.benefits, 2)
    )
    features = rng.sample(category.benefits, 2)
    slug = product_id.replace("demo-", "")
    return {
        "id": product_id,
        "title": title,
        "description": description,
        "features": features,
        "category_path": list(category.path),
        "brand": brand,
        "price": price,
        "currency": "USD",
        "attributes": {"Type": kind, **attributes},
        "url": f"https://shop.example/products/{slug}",
        "image_url": None,
    }


def write_demo_catalog(path: Path, seed: int = 7) -> Path:
    """Writes the demo catalogue as JSONL in TailTalk's own product format and returns the path."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8") as handle:
        for product in demo_products(seed):
            handle.write(product.model_dump_json() + "\n")
    return path
