"""Prices as shoppers say them, in canonical English (other languages are translated first,
translate.py): caps, floors, ranges, "about", "cheap", a budget dropped, in dollars or another
currency.

An amount counts as a price only when a currency or a price word is next to it ("$30", "30
bucks", "under 30", "budget of 30"), never when a unit follows ("50 ml", "8 oz", "size 10", "4
stars"). Amounts in another currency are converted to the shop's at the configured rates, and the
reading says so (the reply names both amounts), so "€30" is never silently read as "$30".
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from number_parser import parse_number

# Currency words and symbols (lower case) -> ISO code.
CURRENCIES: dict[str, str] = {
    "$": "USD", "us$": "USD", "usd": "USD", "dollar": "USD", "dollars": "USD", "buck": "USD",
    "bucks": "USD", "dlls": "USD", "€": "EUR", "eur": "EUR", "euro": "EUR", "euros": "EUR",
    "£": "GBP", "gbp": "GBP", "pound": "GBP", "pounds": "GBP", "quid": "GBP", "¥": "CNY",
    "￥": "CNY", "rmb": "CNY", "cny": "CNY", "yuan": "CNY", "mxn": "MXN", "peso": "MXN",
    "pesos": "MXN",
}  # fmt: skip
# Units after a number that make it something other than a price.
_UNITS = (
    r"ml|l|liters?|litres?|oz|ounces?|fl|g|grams?|kg|lbs?|pounds? of|inch(?:es)?|in\b|cm|mm|"
    r"ft|feet|foot|meters?|m\b|stars?|%|percent|pack|pk|count|ct|pieces?|pcs|minutes?|mins?|"
    r"hours?|hrs?|years?|yrs?|months?|days?|weeks?|spf|watts?|w\b|mah|gb|tb|cups?|servings?|"
    r"x\b|times|people|kids|dogs?|lumens?|k\b|kilomet(?:er|re)s?|km|miles?|mi\b|steps|"
    r"kilómetros?|kilometros?|metros?|millas?|días|dias|horas|años|anos|公里|千米|米|天|小时|年"
)
_CURRENCY_WORDS = r"dollars?|bucks?|usd|dlls|euros?|eur|pounds?|gbp|quid|yuan|rmb|cny|pesos?|mxn"
_SYMBOL = r"(?:us\$|\$|€|£|¥|￥|(?:usd|eur|gbp|cny|rmb|mxn)(?=\s*\d))"
_NUMBER = r"\d+(?:[.,]\d{3})*(?:[.,]\d{1,2})?|\d+"
# An amount: symbol before or currency word after, or neither (a bare number).
_AMOUNT = (
    rf"(?P<pre>{_SYMBOL})?\s*(?P<num>{_NUMBER})\s*(?P<k>k\b)?\s*"
    rf"(?P<post>{_SYMBOL}|(?:{_CURRENCY_WORDS})\b)?"
)
_MAX_WORDS = (
    r"(?:don'?t|do not|won'?t|can'?t|cannot|not|never) (?:want to |wanna |going to |gonna )?"
    r"(?:spend|pay|go|drop)(?: much| any)? (?:more than|over|above|past)|"
    r"under|below|beneath|less than|lower than|cheaper than|no more than|not more than|"
    r"nothing (?:above|over|more than|higher than|pricier than)|not (?:above|over)|"
    r"max(?:imum)?(?: of)?|at most|up to|upto|within|"
    r"budget(?:'?s| is| of| like| around| about| was| would be| maybe)*(?: like| around)?|"
    r"(?:i|we) (?:can|could) (?:only )?(?:spend|afford|pay)(?: up to)?|(?:i|we) have|"
    r"(?:i|we) (?:only )?want to spend|spend(?:ing)?(?: at most| up to)?|cap(?:ped)? at|"
    r"limit(?: of| is)?|no higher than|not over|max budget|at the most|less then|under then|"
    r"les+ th[ae]n|"
    # a new cap: "what if I stretch to 20", "bump it up to 25", "raise the budget to 40",
    # "I can do 30"
    r"(?:stretch|bump|raise|push|increase|go)(?: it| that| the budget| my budget| budget)?"
    r"(?: up)? to|(?:i|we) can (?:do|go to|manage)"
)
_MIN_WORDS = (
    r"over|above|more than|at least|minimum(?: of)?|min|starting at|no less than|"
    r"not less than|not (?:under|below)|no cheaper than|not cheaper than|higher than|from"
)
_AROUND_WORDS = (
    r"around|about|roughly|approximately|approx\.?|circa|close to|near|something like|"
    r"in the range of|ballpark(?: of)?|~"
)
_MAX_AFTER = r"or less|or under|or below|max(?:imum)?|tops|at most|or cheaper|and under|and below"
_MIN_AFTER = r"or more|and up|and above|or above|plus|\+|or higher|at least|minimum"

_RANGE = re.compile(
    rf"(?:between|from)\s+{_AMOUNT.replace('?P<', '?P<a_')}\s*(?:and|to|-|–)\s*"
    rf"{_AMOUNT.replace('?P<', '?P<b_')}"
    rf"|{_AMOUNT.replace('?P<', '?P<c_')}\s*(?:-|–|to)\s*{_AMOUNT.replace('?P<', '?P<d_')}"
)
_MAX = re.compile(rf"\b(?:{_MAX_WORDS})\s*(?:of\s+|is\s+|about\s+|around\s+)?{_AMOUNT}")
_MIN = re.compile(rf"\b(?:{_MIN_WORDS})\s*{_AMOUNT}")
_AROUND = re.compile(rf"(?:\b|~)(?:{_AROUND_WORDS})\s*{_AMOUNT}")
_AFTER = re.compile(rf"{_AMOUNT}\s*(?P<after>{_MAX_AFTER}|{_MIN_AFTER})(?!\w)")
_BARE = re.compile(_AMOUNT)
_HAVE = re.compile(r"(?:i|we) have\b")
_FLOOR = re.compile(r"at least|minimum|no less than|not less than|not (?:under|below)")
_PRICED = re.compile(rf"{_SYMBOL}\s*\d|\d\s*(?:{_CURRENCY_WORDS})\b")

_CHEAP = re.compile(
    r"\b(?:cheap(?:est)?|inexpensive|affordable|budget[- ]friendly|budget (?:option|pick)s?|"
    r"low[- ]cost|"
    r"low[- ]priced|not (?:too |very |that |so )?expensive|on a budget|economical|bargain|"
    r"won'?t break the bank|good value)\b"
)
_ANY_PRICE = re.compile(
    r"\b(?:any price|no budget|(?:the )?(?:price|budget|cost) (?:doesn'?t|does not|don'?t|do "
    r"not|won'?t|no longer|isn'?t|is not) (?:matter|count|an issue|a problem)(?: anymore)?|"
    r"whatever (?:it )?costs?|money is no object|ignore the (?:price|budget)|"
    r"forget (?:about )?the (?:price|budget)|(?:drop|remove|lose|no) the (?:price|budget)"
    r"(?: limit| cap)?|no price limit|(?:don'?t|do not) care (?:about|what) (?:the )?"
    r"(?:price|cost|budget|it costs)|price is no object|regardless of (?:the )?price|"
    r"(?:price|budget) (?:is )?not important|(?:i|we) can spend (?:more|whatever)|"
    r"spend (?:more|whatever)|budget is flexible|more expensive is (?:fine|ok)|"
    r"even if (?:it|they|that|those) (?:costs?|are|is) (?:more|a bit more|pricier|expensive)|"
    r"(?:never ?mind|forget) (?:the|my) (?:price|budget|money)|"
    r"(?:any|no) (?:price|budget) (?:limit|cap))\b"
)
_APPROX_LOW, _APPROX_HIGH = 0.6, 1.0  # "about $50": from $30 up to $50
# What one unit of another currency is worth in dollars: approximate defaults, which a shop sets
# to its own rates (TAILTALK_AGENT__CURRENCY_RATES).
DEFAULT_RATES: dict[str, float] = {"EUR": 1.08, "GBP": 1.27, "CNY": 0.14, "MXN": 0.055}


@dataclass
class PriceReading:
    min_price: float | None = None  # in the shop's currency
    max_price: float | None = None
    approximate: bool = False  # "about $X"
    cheap: bool = False  # "cheap", "affordable": no amount, the cheaper part of the kind
    any_price: bool = False  # the shopper dropped the budget
    # Amounts said in another currency, as said, with the shop's amount they became.
    converted: list[tuple[str, float, float]] = field(default_factory=list)  # (code, said, shop)
    unknown_currency: bool = False


def read_prices(
    text: str, currency: str = "USD", rates: Mapping[str, float] | None = None
) -> tuple[PriceReading, str]:
    """The price constraints of one canonical-English message, and the text with them blanked.
    `rates`: value of one unit of each currency in the shop's currency."""
    out = PriceReading()
    text = _numbers_in_words(text)
    out.any_price = bool(_ANY_PRICE.search(text))
    if _CHEAP.search(text) and not out.any_price:
        out.cheap = True
    reader = _Amounts(currency, rates or {}, out)
    priced = _PRICED.search(text) is not None
    for match in list(_RANGE.finditer(text)):
        low = reader.amount(match, "a_") or reader.amount(match, "c_")
        high = reader.amount(match, "b_") or reader.amount(match, "d_")
        plain = match.group("a_num") is None and not (
            match.group("c_pre")
            or match.group("c_post")
            or match.group("d_pre")
            or match.group("d_post")
        )
        if low is None or high is None or (plain and not _priced_context(text, match)):
            continue
        out.min_price, out.max_price = min(low, high), max(low, high)
        text = _blank(text, match)
    for match in list(_AROUND.finditer(text)):
        value = reader.amount(match, "", needs_currency=True)
        if value is not None:
            out.min_price = round(value * _APPROX_LOW, 2)
            out.max_price = round(value * _APPROX_HIGH, 2)
            out.approximate = True
            text = _blank(text, match)
    for match in list(_AFTER.finditer(text)):
        # "100 max", "50 tops": a number with no unit before a cap word is a price (from 5 up:
        # "2 max" is a count).
        plain = re.fullmatch(_MAX_AFTER, match.group("after")) is not None
        value = reader.amount(match, "", needs_currency=not plain)
        if value is None or (not match.group("pre") and not match.group("post") and value < 5):
            continue
        if re.fullmatch(_MAX_AFTER, match.group("after")):
            out.max_price = value
        else:
            out.min_price = value
        text = _blank(text, match)
    for pattern, bound in ((_MAX, "max"), (_MIN, "min")):
        for match in list(pattern.finditer(text)):
            # "from" and "over" need a currency: "from Sunward", "over 2 years" are no prices;
            # so does "I have": "I have $40" is a budget, "I have two daughters" is not.
            needs_currency = bound == "min" or _HAVE.match(match.group(0)) is not None
            if bound == "min" and priced and _FLOOR.match(match.group(0)):
                needs_currency = False  # "under 50 dollars ... at least 20": a price too
            value = reader.amount(match, "", needs_currency=needs_currency)
            if value is None:
                continue
            if bound == "max":
                out.max_price = value
            else:
                out.min_price = value
            text = _blank(text, match)
    capped = out.max_price is not None
    for match in list(_BARE.finditer(text)):
        if match.group("pre") or match.group("post"):  # "$30", "30 dollars": a budget
            value = reader.amount(match, "", needs_currency=True)
            if value is not None:
                # ... unless a cap was said in words: "a kit for like 200 bucks ... keep it
                # under $45" is a $45 budget
                out.max_price = out.max_price if capped else value
                text = _blank(text, match)
    if out.min_price is not None and out.max_price is not None and out.min_price > out.max_price:
        # "over $100 ... under $30" cannot both hold: the cap stays (a shopper is never shown
        # more than they said they would pay), the floor goes.
        out.min_price = None
    return out, text


class _Amounts:
    def __init__(self, currency: str, rates: Mapping[str, float], out: PriceReading) -> None:
        self.currency = currency
        self.rates = rates
        self.out = out

    def amount(
        self, match: re.Match[str], prefix: str, needs_currency: bool = False
    ) -> float | None:
        number = match.group(f"{prefix}num")
        if number is None:
            return None
        end = match.end(f"{prefix}num")
        rest = match.string[end:]
        if re.match(rf"\s*(?:{_UNITS})\b", rest) and not match.group(f"{prefix}post"):
            return None  # "50 ml", "4 stars", "size 10"
        said = match.group(f"{prefix}pre") or match.group(f"{prefix}post") or ""
        if needs_currency and not said:
            return None
        value = _to_float(number) * (1000 if match.group(f"{prefix}k") else 1)
        if not 0 < value < 1_000_000:
            return None
        code = CURRENCIES.get(said.strip().casefold(), self.currency) if said else self.currency
        if code == self.currency:
            return value
        rate = self.rates.get(code)
        if rate is None:
            self.out.unknown_currency = True
            return None
        converted = round(value * rate, 2)
        self.out.converted.append((code, value, converted))
        return converted


def _priced_context(text: str, match: re.Match[str]) -> bool:
    """A range of plain numbers is a price range when price words are near ("10 to 30 for a
    lamp" is not; "between 10 and 30 dollars", "budget 10-30" are)."""
    window = text[max(0, match.start() - 25) : match.end() + 15]
    return bool(re.search(r"budget|price|spend|cost|pay|range|\$|dollar|buck|€|£", window))


def _to_float(number: str) -> float:
    # "1,299.99" and "1.299,99" and "29,99": the last separator followed by two digits is the
    # decimal one; the others group thousands.
    if re.search(r"[.,]\d{1,2}$", number):
        whole, cents = number[:-3] if number[-3] in ".," else number[:-2], number[-2:]
        if number[-2] in ".,":
            whole, cents = number[:-2], number[-1:]
        return float(re.sub(r"[.,]", "", whole) + "." + cents)
    return float(re.sub(r"[.,]", "", number))


_NUMBER_WORD = (
    r"zero|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|"
    r"fifteen|sixteen|seventeen|eighteen|nineteen|twenty|thirty|forty|fourty|fifty|sixty|"
    r"seventy|eighty|ninety|hundred|thousand|grand"
)
_WORDED = re.compile(
    rf"\b(?:(?:a|one)\s+)?(?:{_NUMBER_WORD})(?:[\s-]+(?:and\s+)?(?:{_NUMBER_WORD}))*\b"
)
_PRICE_BEFORE = re.compile(rf"(?:{_MAX_WORDS}|{_MIN_WORDS}|{_AROUND_WORDS}|between|and|to)\s*$")
_PRICE_AFTER = re.compile(rf"^\s*(?:{_CURRENCY_WORDS})\b")
_RANGE_TO_PRICE = re.compile(rf"^\s*(?:to|-|and|or)\s*\d+\s*(?:{_CURRENCY_WORDS})\b")


def _numbers_in_words(text: str) -> str:
    """ "under thirty dollars" -> "under 30 dollars": only runs of number words next to a price
    word or a currency are rewritten, so "the second one" keeps its words."""

    def priced(before: str, said: str, after: str) -> bool:
        # (the last: "ten to 20 dollars", a range's first end; "the second one to ..." not)
        return bool(
            _PRICE_BEFORE.search(before)
            or _PRICE_AFTER.match(after)
            or (_RANGE_TO_PRICE.match(after) and said != "one")
        )

    def plain(said: str) -> str:
        return re.sub(r"^a\s+", "one ", said.replace("grand", "thousand"))

    return digits_for_words(text, _WORDED, priced, parse_number, "and", plain)


def digits_for_words(
    text: str,
    worded: re.Pattern[str],
    priced: Callable[[str, str, str], bool],
    parse: Callable[[str], object],
    joined_by: str,
    plain: Callable[[str], str] = str,
) -> str:
    """Runs of number words (`worded`) that `priced(before, said, after)` takes for an amount
    become digits, `plain` first making them what `parse` reads. A run that is no one number but
    two joined by `joined_by` ("between ten and twenty", not "a hundred and twenty") becomes
    both. The second pass reads a range's first end once its second is a number ("ten to 20
    dollars")."""

    def rewrite(match: re.Match[str], text: str) -> str:
        said = match.group(0)
        if not priced(text[: match.start()], said, text[match.end() :]):
            return said
        said = plain(said)
        value = parse(said)
        if isinstance(value, int):
            return str(value)
        parts = [parse(part) for part in re.split(rf"\s+{joined_by}\s+", said)]
        if len(parts) > 1 and all(isinstance(v, int) for v in parts):
            return f" {joined_by} ".join(map(str, parts))
        return match.group(0)

    for _ in range(2):
        text = worded.sub(functools.partial(rewrite, text=text), text)
    return text


def _blank(text: str, match: re.Match[str]) -> str:
    return text[: match.start()] + " " * (match.end() - match.start()) + text[match.end() :]
