"""The words of shopping in canonical English: intents, references, negation, dropped
constraints, gifts, sizes, filler. parse.py reads with them; messages in other languages are
translated into these words first (translate.py).

Patterns match lower-cased text with prices and ratings already blanked out.
"""

from __future__ import annotations

import re

# Ordinals and positions in a shown list ("the second one", "#3", "the last two").
ORDINALS = {
    "first": 1, "1st": 1, "second": 2, "2nd": 2, "third": 3, "3rd": 3, "fourth": 4, "4th": 4,
    "fifth": 5, "5th": 5, "sixth": 6, "6th": 6, "seventh": 7, "7th": 7, "eighth": 8, "8th": 8,
    "ninth": 9, "9th": 9, "tenth": 10, "10th": 10, "last": -1, "top": 1, "former": 1,
    "latter": -1,
}  # fmt: skip
COUNT_WORDS = {"two": 2, "three": 3, "four": 4, "2": 2, "3": 3, "4": 4}
ORDINAL = re.compile(
    # ("my last pair died": their own, not a position in the list)
    r"(?<!my )(?<!our )(?<!his )(?<!her )\b(?:the\s+)?(first|second|third|fourth|fifth|sixth|"
    r"seventh|eighth|ninth|tenth|1st|2nd|3rd|[4-9]th|10th|last|top|former|latter)\s+"
    # "last time", "the first time I", "first of all", "top notch": no position in a list
    r"(?!(?:time|times|year|week|month|night|summer|winter|season|visit|order|purchase|of all"
    r"|notch|priority|thing|things|thought|thoughts|hand|glance|sight|impression|place|step"
    r"|date|language|chance|nature|layer|coat|floor|half|day|days|grade|aid|degree)\b)"
    r"(one|ones|option|item|product|pick|result|choice|two|three|four|2|3|4)?\b"
)
ORDINAL_ALONE = re.compile(
    r"\b(?:the|that)\s+(first|second|third|fourth|fifth|sixth|last|former|latter|1st|2nd|3rd|"
    r"[4-9]th|10th)\b"
)
NUMBERED = re.compile(
    r"(?:#\s*|\bnumber\s+|\bno\.\s*|\boption\s+|\bitem\s+|\bpick\s+|\bproduct\s+)(\d{1,2})\b"
)
COMPARE_PAIR = re.compile(r"\bcompare\s+(\d{1,2})\s+(?:and|with|to|vs\.?)\s+(\d{1,2})\b")
# "one in the same material as the third one", "same brand as that": a new search holding that
# shown product's value of the key named (its position, or 0 for the one talked about).
SAME_AS = re.compile(
    r"\b(?:in |of |from )?(?:the )?same (?P<key>[a-z]+(?: [a-z]+)?) as (?:the )?"
    r"(?:(?P<pos>first|second|third|fourth|fifth|sixth|1st|2nd|3rd|[4-6]th|last)(?: one)?|"
    r"(?:#|number )?(?P<num>[1-9])|(?P<focus>that one|this one|that|this|it))\b"
)
FOCUS = re.compile(r"\b(?:that one|this one|that|this|it|them|those|these|both|either|the one)\b")

# Picking a shown product by what it is rather than where it is: "the cheaper one", "the
# leather one", "the Sunward one", "which of those is cheaper".
PICK_BY_PRICE = re.compile(
    # (not "a cheaper one", "any cheaper ones": those ask the shop for another)
    r"(?<!\ba )(?<!\ban )(?<!\bany )\b(?:the\s+)?"
    r"(?:(?P<low>cheaper|cheapest|less expensive|least expensive|lower[- ]priced|"
    r"more affordable|most affordable)|(?P<high>pricier|priciest|more expensive|most expensive|"
    r"higher[- ]priced))(?P<mid>(?:\s+(?!one\b|ones\b|of\b)[a-z-]+){0,2}?)\s+(?:one|ones|"
    r"option|of (?:the|those|these|them|both)(?: two)?|pick|item)\b"
    r"|\bwhich (?:one )?(?:of (?:those|these|them|the two) )?(?:is|was|'s) (?:(?P<low2>cheaper|"
    r"cheapest|less expensive)|(?P<high2>pricier|more expensive|most expensive))\b"
)
PICK_BY_RATING = re.compile(
    r"\bthe\s+(?:best|highest|better|top)[- ]rated(?:\s+one)?\b|\bwhich (?:one )?(?:of (?:those|"
    r"these|them|the two) )?(?:is|was|'s) (?:better|best|rated higher)\b"
)
PICK_BY_WORDS = re.compile(
    r"(?<!none of )(?<!not )(?<!no )\bthe\s+((?:[a-z0-9&'-]+\s+){0,2}?[a-z0-9&'-]+)\s+"
    r"(?:one|option|version)\b(?!s)"
)
# "something from a different brand": not the brand of the product just talked about.
OTHER_BRAND = re.compile(
    r"\b(?:a |an )?(?:different|another|other|new) (?:brand|make|maker|company)s?\b"
)
# "doesn't have to be cork": a wanted value dropped (the words after it).
NOT_REQUIRED = re.compile(
    r"\b(?:doesn'?t|does not|don'?t|do not|needn'?t|need not) (?:have|need) to be "
    r"(?P<what>[a-z -]+?)"
    r"(?=[,.;!?]|$| actually| anymore| any more| either| really| just)"
)
# "eh forget japan", "never mind the leather": a wanted value dropped (the words after it).
FORGET = re.compile(
    r"\b(?:forget|forget about|never ?mind|scratch|scrap|skip|ignore) (?:the )?"
    r"(?!it\b|that\b|this\b|them\b|about\b|what\b|i\b|my\b|everything\b|all\b)"
    r"(?P<what>[a-z -]+?)(?=[,.;!?]|$| then| part| thing| bit| actually| and| just)"
)
# "even if they're not colored": that wish may go (the words after it).
EVEN_IF_NOT = re.compile(
    r"\beven if (?:(?:it|they)\s*(?:'s|'re|is|are)?\s*)?(?:not|isn'?t|aren'?t)\s+"
    r"(?P<what>[a-z -]+?)(?=[,.;!?]|$)"
)
# "white doesn't matter (then)", "I don't care about the colour being white": a wanted value
# dropped (the words before it).
DOES_NOT_MATTER = re.compile(
    r"\b(?P<what>[a-z][a-z -]{1,30}?) (?:doesn'?t|does not|don'?t|do not|won'?t) matter\b"
)
# A value followed by these is something the shopper does not want ("cool white hurts my eyes").
# "everything smells like coconut": what follows is complained of, not wished for.
DISLIKED_BEFORE = re.compile(
    r"\b(?:everything|it all|they all|all of them|all of these|all the ones?)\s+"
    r"(?:smells?|tastes?|reeks?|is|are|looks?)\s+(?:like|of)\s*$"
)
DISLIKED_AFTER = re.compile(
    r"^\s*(?:hurts?|bothers?|irritates?|gives? me|breaks? me out|makes? me|sucks?|is awful|"
    r"are awful|is too|are too|is terrible|are terrible|never works?|doesn'?t work)\b"
)

# "What's the cheapest one you have?": the cheapest of the kind in the shop, whatever the
# budget said before, not a pick among the shown ones.
CHEAPEST_IN_SHOP = re.compile(
    r"\b(?:what'?s |what is |show me |give me )?the cheapest(?P<mid>(?: [a-z-]+){0,3}?)"
    r"(?: one| ones| option)?s? (?:that )?(?:you|u)(?:'ve| have)? (?:do |actually )?"
    r"(?:have|sell|carry|got|stock)\b|\bcheapest (?:thing|option) you have\b"
)
# "show me the cheapest one that does RGB": the cheapest the shop has with what follows, not
# the cheapest of those shown.
CHEAPEST_WITH = re.compile(
    r"\b(?:show me|give me|find me|get me|i want|i need|i'?d like) the cheapest"
    r"(?P<mid>(?: [a-z-]+){0,2}?)(?: one| ones| option)?s? (?:that|which|with)\b"
)
# Constraints the shopper calls flexible (loosened first when nothing fits) or insists on
# (never loosened): Preferences field names -> what says so.
FLEXIBLE = {
    "max_price": re.compile(
        r"\b(?:budget|price)(?: is| can be| 's)? (?:a bit |kind of |pretty )?(?:flexible|"
        r"negotiable|not fixed|can stretch)|\b(?:can|could) stretch (?:the |my |our )?budget|"
        r"\bflexible (?:on|about|with) (?:the )?(?:price|budget)|\bbudget can stretch|"
        r"\b(?:a bit|a little|slightly) (?:more|over)(?: than that)? is (?:ok|okay|fine)"
    ),
    "brands": re.compile(
        r"\bbrand (?:doesn'?t|does not|don'?t) matter|\bflexible (?:on|about) (?:the )?brand|"
        r"\b(?:don'?t|do not) care (?:about|which) (?:the )?brand|\bbrand is flexible"
    ),
}
STRICT = {
    "max_price": re.compile(
        r"\b(?:hard|strict|firm|fixed|tight) (?:budget|limit|cap|max(?:imum)?)|"
        r"\b(?:can'?t|cannot|won'?t|will not) go (?:over|above|higher)|"
        r"\b(?:must|has to|have to|needs to) (?:be )?(?:under|below|less than)|"
        r"\babsolutely (?:no more than|under|max)|\bnot a (?:cent|penny|dollar) more|"
        r"\bbudget is (?:firm|fixed|strict)"
    ),
}
STRICT_WORDS = re.compile(r"\b(?:hard|strict|firm|fixed|tight)(?= (?:budget|limit|cap|max))")
# "What's the best one you have?": a wish for quality, not a reference to a shown product.
BEST_ONE = re.compile(
    r"\b(?:the )?best (?:one|ones|option|options|pick)(?: you have| you've got| you got| "
    r"available| there is)?\b|\bbest quality\b"
)
# Asking for the same product in another size.
SIZE_CHANGE = re.compile(
    r"\b(?P<up>bigger|larger|bigger size|larger size|next size up|size up|more of it|family "
    r"size|big(?:ger)? bottle)\b|\b(?P<down>smaller|smaller size|travel size|mini|size down|"
    r"next size down)\b"
)
SIZE_CONTEXT = re.compile(r"\b(?:size|bottle|version|pack|one|variant|in a|in the|it in)\b")

# Relative price against what was shown.
CHEAPER = re.compile(
    r"\b(?:cheaper|less expensive|lower price|lower[- ]priced|more affordable|less money|"
    r"not so expensive|too expensive|too pricey|pricey|costs? less)\b"
)
PRICIER = re.compile(
    r"\b(?:pricier|more expensive|higher end|high end|more premium|fancier|better quality)\b"
)

# Ratings.
RATING = re.compile(
    r"(?:at least|rated|rating(?: of)?|minimum(?: of)?|min)?\s*(\d(?:\.\d)?)\s*(?:\+\s*)?"
    r"(?:stars?|star rating|star reviews?)(?:\s*(?:and|or|&)\s*(?:up|above|more|higher|better))?"
    r"|(\d(?:\.\d)?)\s*\+\s*(?:rating|rated)|rated (?:at least |over |above )?(\d(?:\.\d)?)\b"
)
HIGHLY_RATED = re.compile(
    r"\b(?:highly|well|top|best|great|good|high(?:ly)?|positively)[ -](?:rated|reviewed)\b|"
    r"\bgood reviews\b|\bgreat reviews\b|\bwell[- ]liked\b|\bpopular with\b"
)

INTENTS: list[tuple[str, re.Pattern[str]]] = [
    ("copy", re.compile(r"\b(?:write|give me|draft|make)\b.{0,20}\b(?:description|copy|blurb)\b|"
                        r"\bproduct copy\b|\bdescribe\b")),
    ("compare", re.compile(r"\bcompare\b|\bcomparison\b|\bdifferences?\b|\bwhich (?:one )?is "
                           r"better\b|\bvs\.?\b|\bversus\b|\bhow do (?:they|those|these) "
                           r"(?:differ|compare)\b|\bside by side\b")),
    ("again", re.compile(r"\b(?:show|see|list)\b.{0,15}\bagain\b|\bprevious (?:list|results|"
                         r"ones|products)\b|\bgo back\b|\bthe (?:earlier|first) list\b")),
    ("reject", re.compile(r"\b(?:don'?t|do not|dont) (?:like|want|need|love)\b|\bnot (?:the|that|"
                          # "not that blue hospital stuff" refuses a kind, not a shown one
                          r"this)\b(?![\w ]{0,30}\b(?:stuff|kind|type|sort|look)\b)"
                          r"|\bno to\b|\bremove\b|\bhate\b|\bskip\b|\bnot interested\b"
                          r"|\bnot a fan\b|\bnot for me\b|\bnope\b|\bugly\b")),
    ("similar", re.compile(r"\b(?:something|anything|more|others?|ones?|items?|products?)\s+"
                           r"(?:like|similar)\b|\bsimilar\b|\blike (?:that|this|it|the)\b|"
                           r"\balternatives?\b|\bsame (?:kind|type|style) as\b")),
    ("like", re.compile(r"\b(?:i|we)\s+(?:really\s+)?(?:like|love)\b|\b(?:perfect|great|nice|"
                        r"love it|awesome)[,!.]? (?:the|that|this)\b|\bi'?ll take\b|"
                        r"\b(?:i'?ll|i will) (?:buy|get|order)\b")),
    ("details", re.compile(r"\btell me (?:more )?about\b|\bmore (?:info|information|details)"
                           r"\b|\bdetails\b|\bwhat about\b"
                           r"|^\s*(?:is |are |does )?(?:that one|this one|it|they|that)\b"
                           r"[^.!?]{0,40}\?"
                           r"|\bwhat(?:'?s| is) the [a-z ]{2,30} (?:on|of|for|in) "
                           r"(?:those|these|them|it|that|this|that one|this one)\b"
                           r"|\b(?:does|is|has|can) (?:it|that|"
                           r"this|the)\b|\bhow (?:big|much|many|long|heavy|large)\b|\bwhat(?:'s| "
                           r"is| are)\s+(?:the|its)\b|\bingredients?\b|\bwhat size\b|\bis there\b"
                           r"|\bdo they\b|\bare they\b"
                           r"|\bwhat (?:[a-z]+ ){1,2}(?:is|are) (?:that one|this one|that|this|it|"
                           r"those|these|they)\b"
                           r"|\bwhat does (?:it|that|this|that one|this one) (?:smell|feel|look|"
                           r"taste) like\b|\bhow (?:long|many hours) does (?:it|that|this)\b"
                           r"|\bwhat (?:scent|shade|colou?r|size|material) is\b")),
]  # fmt: skip

RESET = re.compile(
    r"\b(?:start over|start again|new search|forget (?:it|that|everything|all that|the previous|"
    r"what i said)|never ?mind|scratch that|something (?:else|different) entirely|reset|"
    r"change of plans?|different question|let'?s try something else)\b"
)
FRESH = re.compile(
    r"(?:^|[.!?]\s+|,\s*)(?:(?:hi|hello|hey|actually|ok|okay|now|also|and|so|but|well|oh|hmm+|"
    r"hm+|um+|uh+|just|wait|alright|fine|yeah|nah|no)[,!]?\s+)*"
    r"(?:i(?:'m| am)?\s+(?:also\s+)?(?:need|want|looking for|searching for|after|shopping for|"
    r"in the market for|hunting for)|i'd like|i would like|looking for|show me|find me|"
    r"do you (?:have|sell|carry)|can you (?:recommend|suggest|find)|any suggestions for|"
    r"recommend|what about|how about|got any|(?:just\s+)?any(?=\s+(?!(?:colou?r|size|price|"
    r"scent|shade|material|style|of|other|more|will|is|would|works?|one|kind|type)\b)))\s+"
    r"(?:a|an|some|another|new|any)?\s*(?!(?:cheaper|better|different|similar|other|one|more)\b)"
)
GREETING = re.compile(
    r"^\s*(?:hi+|hello|hey+|hiya|yo|good (?:morning|afternoon|evening)|thanks?|thank you|thx|ty|"
    r"ok+|okay|cool|great|nice|awesome|bye|goodbye|cheers|perfect|got it|sounds good)\b"
    r"[\s!.,:)]*(?:there|so much|a lot|again)?[\s!.,:)]*$"
)
# Asking for help, with nothing to look for yet: the same as a greeting.
HELP = re.compile(
    r"\b(?:can|could|would) you (?:please )?help(?: me)?(?: out)?|\bhelp me(?: out| please)?\b|"
    r"\bi need (?:some )?help\b|\bwhatever you (?:recommend|suggest|think)\b|\bsurprise me\b|"
    r"\bjust (?:browsing|looking)\b"
)
THANKS = re.compile(r"\b(?:thanks|thank you|thx|ty|cheers|bye|goodbye|that'?s all)\b")
MORE_OPTIONS = re.compile(
    r"\b(?:more (?:options|results|ones|choices|like (?:these|those))|other (?:options|ones|"
    r"choices|brands|products)|something else|anything else|different ones|show me more|"
    r"any others|what else)\b"
)

# What a shopper does in a kind made for sport ("earbuds for running" are sport earbuds).
ACTIVITY = frozenset(
    {"running", "run", "jogging", "jog", "gym", "workout", "workouts", "exercise", "exercising",
     "training", "sports", "sporty", "athletic", "fitness", "sweat", "sweaty", "sweatproof"}
)  # fmt: skip

# "The brand doesn't matter", "any colour", "forget the budget": a constraint dropped.
DROP = re.compile(
    r"\b(?:(?:the\s+)?(?P<a>[a-z]+(?: [a-z]+)?) (?:doesn'?t|does not|don'?t|do not|no longer|"
    r"won'?t|isn'?t|is not) (?:matter|count|important)(?: anymore| any more| to me)?|"
    r"any (?P<b>brand|colou?r|size|scent|type|kind|material|style|flavou?r)|"
    r"(?:forget|ignore|drop|remove|never ?mind|skip) (?:about )?the (?P<c>[a-z]+(?: [a-z]+)?)"
    r"(?: (?:part|limit|filter|condition|requirement))?|(?:i )?(?:don'?t|do not) care (?:about|"
    r"what|which) (?:the )?(?P<d>[a-z]+(?: [a-z]+)?)|no preference (?:on|for) (?:the )?"
    r"(?P<e>[a-z]+(?: [a-z]+)?)|(?:whatever|any) (?P<f>brand|colou?r|size|scent|material) is "
    r"fine)\b"
)
DROP_SYNONYMS = {
    "brand": "brand", "brands": "brand", "maker": "brand", "company": "brand",
    "price": "price", "budget": "price", "cost": "price", "money": "price", "prices": "price",
    "colour": "color", "colors": "color", "colours": "color", "scent": "fragrance",
    "smell": "fragrance", "flavour": "flavor",
}  # fmt: skip

# Gifts and who they are for.
RECIPIENT = re.compile(
    r"\bfor (?:my |our |a |the )?(?P<who>mother-in-law|father-in-law|sister-in-law|"
    r"brother-in-law|in-laws|mom|mum|mother|mommy|dad|father|daddy|wife|husband|"
    r"girlfriend|boyfriend|gf|bf|partner|sister|brother|sis|bro|friend|best friend|bestie|son|"
    r"daughter|kid|kids|child|children|grandma|grandmother|grandpa|grandfather|boss|coworker|"
    r"co-worker|colleague|teacher|niece|nephew|aunt|uncle|baby|fiance|fiancee|grandparents|"
    r"parents|"
    r"roommate|neighbor|neighbour|someone|him|her|them)\b"
)
GIFT = re.compile(
    r"\b(?:gift|present|birthday|christmas|xmas|anniversary|mother'?s day|"
    r"father'?s day|valentine'?s?|housewarming|stocking stuffer|gift idea)s?\b"
)
# What a shopper says of whoever the gift is for when they know nothing to ask for ("he's
# impossible to shop for", "she has everything"): no wish, so no search words.
NO_IDEA = re.compile(
    r"\b(?:(?:he|she|they)(?:'s| is| are)\s+)?(?:impossible|hard|difficult|tough|so hard|a "
    r"nightmare)\s+to\s+(?:shop|buy)\s+for\b"
    r"|\b(?:who\s+|he\s+|she\s+|they\s+)?(?:has|have|already has)\s+everything\b"
    r"|\b(?:no|zero|not a)\s+(?:clue|idea)\b(?:\s+what\s+to\s+(?:get|buy|give))?"
    r"|\bi\s+(?:don'?t|do not|dont)\s+know\s+what\s+to\s+(?:get|buy|give)\b"
)

# "swap my afternoon coffee for loose leaf tea", "switching from road shoes to trail ones", "tea
# instead of coffee": the kind given up is said only to name the one wanted.
_GIVEN_UP = r"(?:my |the |our |a |an |some )?(?:[a-z'-]+ ){0,3}?"
GIVEN_UP = re.compile(
    rf"\b(?:swap|swapping|trade|trading|replace|replacing|exchange|exchanging)\s+(?:out\s+)?"
    rf"{_GIVEN_UP}[a-z'-]+\s+(?:for|with|por)\b"
    rf"|\b(?:switch|switching|move|moving|go|going|change|changing)\s+(?:over\s+)?from\s+"
    rf"{_GIVEN_UP}[a-z'-]+\s+to\b"
    r"|\binstead of\s+(?:my |the |a |an )?[a-z'-]+(?: (?!for\b|to\b|with\b|and\b|but\b|"
    r"because\b|since\b|please\b|i\b)[a-z'-]+)?"
)
# A change of mind said in passing: no position in a list ("on second thought"), nothing to search.
ASIDES = re.compile(
    r"\b(?:on second thoughts?|come to think of it|thinking about it|"
    # greetings: "good morning" asks for no morning anything
    r"good (?:morning|afternoon|evening)|(?:hi|hello|hey) (?:there|guys|team|all)|"
    r"happy (?:monday|tuesday|wednesday|thursday|friday|saturday|sunday|weekend|holidays))\b"
)
# "what about the stability kind?": a kind named by the word that sets it apart.
KIND_BY_WORD = re.compile(
    r"\b(?:what about|how about|and|or|maybe|rather) (?:the |a |an |some )?(?P<word>[a-z-]+) "
    r"(?:kind|kinds|type|types|ones|version|variety|style)\b"
)

# Products the shopper has, has seen or used (not to be shown again) vs wants.
OWNED_CUES = re.compile(
    r"\b(?:i (?:already )?(?:have|own|bought|use|used|tried|had|got)|i'?ve (?:got|tried|used|"
    r"had|seen|watched|bought)|i (?:loved|liked|enjoyed|watched|saw|love|like|enjoy)|"
    r"already (?:have|own|tried)|similar to|something like|like|other than|instead of|besides|"
    r"except|apart from|not|no)\b"
)

NEGATORS = frozenset(
    {"no", "not", "none", "without", "never", "avoid", "except", "hate", "dislike", "don", "dont",
     "doesn", "isn", "nothing", "allergic", "exclude", "excluding", "non", "nor", "neither",
     "minus", "free", "sans", "besides", "nope"}
)  # fmt: skip
# Words a negation reaches across before the thing negated ("not from", "without a", "no more").
NEGATION_BRIDGE = frozenset(
    {"from", "by", "the", "a", "an", "any", "of", "to", "with", "made", "brand", "brands", "t",
     "s", "want", "like", "need", "too", "so", "much", "very", "really", "that", "is", "are",
     "contain", "contains", "containing", "include", "includes", "including", "use", "using",
     "in", "it", "them", "please", "pls", "either", "for", "anything", "something", "all",
     "kind", "type", "sort", "color", "colour", "scent", "smell", "added", "real", "heavy",
     "strong", "harsh", "do", "be", "coating", "coated"}
)  # fmt: skip
COORDINATION = frozenset({"or", "nor", "and", ",", "/", "&", "either"})
CLAUSE_BREAKS = frozenset({".", "!", "?", ";", "but", "though", "although", "however", "yet"})

# Words of a sentence that tells something (a subject, a verb of being or having) rather than
# names what is wanted, as a search box query does ("hair dryer for my curls").
TELLING = frozenset(
    {"i", "im", "i'm", "we", "he", "she", "they", "it", "is", "are", "was", "were", "am", "has",
     "have", "had", "been", "do", "does", "did", "got", "went", "said", "hi", "hello", "hey"}
)  # fmt: skip
FILLER = frozenset(
    {"i", "im", "i'm", "me", "my", "we", "you", "your", "a", "an", "the", "some", "something",
     "anything", "need", "want", "wanted", "would", "like", "love", "can", "could", "should",
     "recommend", "show", "find", "get", "buy", "any", "suggestion", "suggestions", "help",
     "with", "and", "or", "that", "this", "these", "those", "is", "are", "be", "to", "of", "in",
     "on", "it", "its", "for", "good", "nice", "great", "best", "hi", "hello", "hey", "thank",
     "thanks", "one", "ones", "also", "just", "really", "very", "maybe", "what", "which", "do",
     "does", "have", "has", "else", "other", "more", "option", "options", "looking", "look",
     "search", "shopping", "please", "pls", "plz", "now", "instead", "actually", "ok", "okay",
     "so", "but", "from", "by", "brand", "made", "t", "s", "m", "d", "ll", "re", "ve", "there",
     "here", "them", "they", "am", "at", "as", "about", "again", "item", "items", "product",
     "products", "thing", "things", "stuff", "kind", "type", "sort", "well", "too", "much",
     "how", "tell", "know", "see", "let", "give", "price", "priced", "cost", "costs", "dollar",
     "buck",
     "usd", "under", "over", "below", "above", "between", "less", "than", "least", "most", "up",
     "cheap", "cheaper", "expensive", "budget", "around", "rated", "rating", "star", "scent",
     "scented", "free", "ideally", "perhaps", "preferably", "prefer", "pick", "choose",
     "someone", "gift", "forget", "compare", "write", "description", "describe", "detail",
     "details", "info", "information", "similar", "alternative", "start", "new", "mind",
     "come", "comes", "seriously", "honestly", "anyway", "anyways", "specifically", "especially",
     "urgent", "urgently",
     "never", "reset", "change", "plan", "different", "remove", "skip", "interested", "fan",
     "hate", "don", "dont", "needs", "make", "go", "try", "switch", "rather", "got", "was",
     "were", "been", "being", "will", "gonna", "wanna", "kinda", "sorta", "lol", "haha", "hmm",
     "hm", "eh", "oh", "ah", "oops", "wait", "whats", "thats", "theres", "um", "uh", "haven",
     "hasn", "hadn", "didn", "wasn", "weren", "aren", "couldn", "wouldn", "shouldn", "wasnt",
     "didnt", "idk", "tbh", "btw", "yes", "yeah", "yep", "nah", "sure", "cool", "awesome",
     "if", "then", "when", "where", "who", "why", "all", "every", "each", "many", "lot",
     "lots", "bit", "little", "pretty", "quite", "still", "yet", "already", "only", "even",
     "though", "because", "since", "while", "after", "before", "into", "out", "off", "our",
     "us", "he", "she", "his", "her", "him", "their", "there's", "it's", "that's", "cuz",
     "cause", "must", "might", "may", "shall", "not", "no", "did", "done",
     "doing", "say", "said", "think", "thought", "guess", "mean", "right", "able", "way", "use",
     "using", "used", "buying", "getting", "own", "today", "tomorrow", "day", "week", "soon",
     "asap", "ago", "currently", "recently", "usually", "always", "sometimes", "often",
     "lately", "another", "same", "such", "order", "shop",
     "store", "site", "website", "available", "sell", "carry", "stock", "offer", "recommendation",
     "recommendations", "decent", "solid", "quality", "top", "mom", "dad"}
)  # fmt: skip

# A need said after these is what the product is for, made with or instead of ("for dry
# skin", "from lipstick"), not the product itself (parse._thing).
NOT_A_THING_AFTER = frozenset(
    {"for", "with", "without", "from", "except", "than", "of", "against", "like", "besides",
     "instead", "in", "on", "not", "no", "but", "about", "into", "onto", "under", "over"}
)  # fmt: skip
# A need said right after these tells how something is ("hands being rough", "my skin feels
# tight"), not what is asked for (parse._thing). ("get" is not one: "where can I get sunscreen".)
COPULAS = frozenset(
    {"is", "are", "am", "was", "were", "be", "being", "been", "feel", "feels", "felt", "seem",
     "seems", "become", "becomes", "stay", "stays", "look", "looks"}
)  # fmt: skip
# Hedges: a value said right after these ("ideally industrial") or right before the phrases
# ("red if possible") is something the shopper would like, not a constraint (parse._hedged).
HEDGES_BEFORE = frozenset(
    {"ideally", "preferably", "perhaps", "maybe", "possibly", "prefer", "preferred",
     "optionally", "bonus", "preferable"}
)  # fmt: skip
HEDGES_AFTER = (
    ("if", "possible"), ("if", "available"), ("if", "you", "have"), ("would", "be", "nice"),
    ("would", "be", "great"), ("would", "be", "best"), ("is", "a", "bonus"), ("a", "plus"),
    ("nice", "to", "have"), ("not", "a", "must"), ("optional",), ("doesn", "t", "matter"),
    ("does", "not", "matter"),
    ("don", "t", "care"), ("either", "way"), ("is", "fine"), ("is", "ok"), ("is", "okay"),
)  # fmt: skip
# Verbs of looking: what follows "looking for" is the thing itself.
SEEKING = frozenset(
    {"looking", "searching", "shopping", "hunting", "ask", "asking", "options",
     "recommendations", "suggestions", "ideas", "d", "would", "really"}
)  # fmt: skip
DETERMINERS = frozenset(
    {"a", "an", "the", "my", "your", "her", "his", "their", "our", "some", "any", "this",
     "that", "these", "those", "one", "two", "new", "good", "nice"}
)  # fmt: skip
# Vague nouns: the words before them describe, they do not name a product ("cute stuff").
VAGUE_NOUNS = frozenset(
    {"stuff", "thing", "things", "one", "ones", "item", "items", "product", "products",
     "something", "anything", "gift", "gifts", "present", "presents", "option", "options",
     "kind", "type", "sort", "brand", "brands", "choice", "choices", "pick", "picks"}
)  # fmt: skip

# How the shopper feels and when, not what they want ("something to pamper myself this weekend,
# I'm so stressed"): a wish in only these words is vague, and gets a question back.
MOODS = frozenset(
    {"treat", "treats", "pamper", "pampering", "spoil", "myself", "yourself", "stressed",
     "stress", "stressful", "relax", "relaxing", "relaxed", "tired", "exhausted", "weekend",
     "week", "tonight", "today", "mood", "vibe", "vibes", "self", "care", "self-care",
     "selfcare", "nice", "fun", "special", "feel", "feeling", "better", "bored", "sad",
     "happy", "rough", "day", "days", "long", "lately", "ando", "bien", "really", "so", "had",
     "have", "has", "been", "was", "i", "i'm", "im"}
)  # fmt: skip

# Words that end a phrase without being what it names ("running shoes size 9").
NOT_A_HEAD = frozenset(
    {"size", "sizes", "color", "colour", "colors", "colours", "shade", "shades", "pack",
     "version", "style", "model", "please", "pls", "asap", "ok", "okay", "thanks",
     # adjectives a Spanish noun phrase leaves last once translated ("perfume de lujo")
     "luxury", "luxurious", "gentle", "natural", "organic", "soft", "cheap", "good", "nice",
     "best", "new", "original", "professional"}
)  # fmt: skip

# Words shoppers misspell that the reader must know to read prices and requests (typos.py
# corrects to these and to the catalogue's own words).
SHOPPING_WORDS = frozenset(
    {"under", "below", "less", "than", "more", "over", "above", "between", "around", "about",
     "dollars", "dollar", "bucks", "euros", "pounds", "budget", "cheap", "cheaper", "cheapest",
     "expensive", "price", "looking", "need", "want", "something", "anything", "please",
     "without", "except", "recommend", "compare", "similar", "different", "another", "brand",
     "color", "colour", "size", "bigger", "smaller", "second", "third", "first", "fourth",
     "last", "stars", "rated", "rating", "fragrance", "scent", "sensitive", "waterproof",
     "wireless", "maximum", "minimum", "least", "most", "quality", "gift", "present",
     "birthday", "thanks", "options", "other", "others", "again", "cancelling", "canceling"}
)  # fmt: skip

# Contractions typed without the apostrophe: words, not slips for a catalogue's words ("havnt" is
# not the actor Havins).
BARE_CONTRACTIONS = frozenset(
    {"dont", "didnt", "doesnt", "isnt", "wasnt", "werent", "arent", "cant", "wont", "wouldnt",
     "couldnt", "shouldnt", "havent", "havnt", "hasnt", "hadnt", "aint", "ive", "youre", "youve",
     "theyre", "thats", "whats", "theres", "heres", "lets", "its", "id", "ill", "wed", "hes",
     "shes", "ya", "gonna", "wanna", "gotta", "kinda", "sorta", "lemme", "dunno"}
)  # fmt: skip

# Everyday names for what the catalogue calls otherwise, read as the catalogue's word.
SYNONYMS = {
    "pup": "dog", "pups": "dogs", "puppy": "dog", "puppies": "dogs", "doggo": "dog",
    "doggy": "dog", "doggie": "dog", "pooch": "dog", "canine": "dog", "kitty": "cat",
    "headset": "headphones", "buds": "earbuds", "earphones": "earbuds", "sneakers": "shoes",
    "trainers": "shoes", "runners": "running shoes", "rucksack": "backpack",
    "frying pan": "skillet", "fry pan": "skillet", "cooking": "cookware", "cooks": "cookware",
    "caffeine free": "decaf", "caffeine-free": "decaf", "decaffeinated": "decaf",
    "no caffeine": "decaf", "without caffeine": "decaf", "trekking": "hiking",
    "film": "movie", "films": "movies", "dims": "dimmable", "dimming": "dimmable",
    "can dim": "dimmable", "no scent": "unscented", "without scent": "unscented",
    "scent free": "unscented", "scent-free": "unscented", "no smell": "unscented",
    # Cooking said by the dish: a stew wants a dutch oven; "for the kitchen" is cookware.
    "stew": "dutch oven", "stews": "dutch oven", "braise": "dutch oven",
    "for the kitchen": "cookware", "kitchen stuff": "cookware",
    # A trip says the backpack is for travel ("backpacking around Europe, carry-on only").
    "carry-on": "travel", "carry on": "travel", "backpacking around": "travel around",
    "backpacking through": "travel through", "backpacking across": "travel across",
    # A dog's breed says its size, and a dog that wrecks its toys needs a tough one.
    "german shepherd": "large dog", "golden retriever": "large dog", "labrador": "large dog",
    "husky": "large dog", "rottweiler": "large dog", "great dane": "large dog",
    "mastiff": "large dog", "pit bull": "large dog", "pitbull": "large dog",
    "doberman": "large dog", "bernese": "large dog", "chihuahua": "small dog",
    "yorkie": "small dog", "pomeranian": "small dog", "dachshund": "small dog",
    "shih tzu": "small dog", "pug": "small dog", "maltese": "small dog",
    "beagle": "medium dog", "border collie": "medium dog", "cocker spaniel": "medium dog",
    "corgi": "medium dog", "destroys everything": "durable chew toy",
    "chews through everything": "durable chew toy", "destroys all his toys": "durable chew toy",
    "destroys all her toys": "durable chew toy", "destroys toys": "durable chew toy",
    "power chewer": "durable chew toy", "aggressive chewer": "durable chew toy",
    "heavy chewer": "durable chew toy",
    # Light to read by on a bedside table; a light whose warmth can be changed.
    "nightstand": "bedside table lamp", "night stand": "bedside table lamp",
    "bedside table": "bedside table lamp", "read with": "reading light",
    "read by": "reading light", "reading lamp": "reading light",
    "colour temperature": "adjustable light color", "color temperature": "adjustable light color",
    "how warm or cool": "adjustable light color", "warm or cool": "adjustable light color",
    "warm to cool": "adjustable light color", "warm and cool": "adjustable light color",
}  # fmt: skip
# "The place is so dark": the shopper needs light.
DARK_ROOM = re.compile(
    r"\b(?P<room>place|room|flat|apartment|house|bedroom|office|hallway|kitchen|basement|"
    r"living room|studio) (?:is|feels|gets|'s) (?:so |too |really |very |pretty |super |kinda )?"
    r"(?:dark|dim|gloomy)\b"
)
# Shades a shopper means by a plain colour word ("not blue": no navy either).
COLOR_FAMILIES = {
    "blue": ("navy", "cobalt", "azure", "sky", "royal", "indigo", "denim"),
    "red": ("burgundy", "maroon", "crimson", "wine", "cherry", "scarlet"),
    "green": ("olive", "sage", "forest", "mint", "emerald", "khaki"),
    "grey": ("gray", "charcoal", "slate", "graphite", "silver"),
    "gray": ("grey", "charcoal", "slate", "graphite", "silver"),
    "brown": ("tan", "chocolate", "camel", "coffee", "mocha", "espresso"),
    "white": ("ivory", "cream", "off-white", "snow", "pearl"),
    "pink": ("blush", "rose", "fuchsia", "magenta", "coral"),
    "purple": ("violet", "lavender", "lilac", "plum", "mauve"),
    "yellow": ("mustard", "lemon", "gold"),
    "black": ("jet", "onyx", "ebony"),
}  # fmt: skip
# Text-speak read as the words it stands for, before anything else ("do u have", "pls").
TEXT_SPEAK = {
    "u": "you", "ur": "your", "r": "are", "pls": "please", "plz": "please", "thx": "thanks",
    "ty": "thanks", "tysm": "thanks", "w/": "with", "w/o": "without", "b4": "before",
    "smth": "something", "sth": "something", "ppl": "people", "gonna": "going to",
    "wanna": "want to", "gimme": "give me", "lemme": "let me", "idk": "i don't know",
    "imo": "", "tbh": "", "ngl": "", "lol": "", "lmao": "", "omg": "", "pleeease": "please",
    "da": "the", "af": "", "yo": "", "ugh": "", "meh": "", "welp": "", "fr": "",
    "rn": "right now", "bc": "because",
    "cuz": "because", "coz": "because", "tho": "though", "thru": "through", "ya": "you",
    "plsss": "please", "bday": "birthday", "gf": "girlfriend", "bf": "boyfriend",
}  # fmt: skip
# Laughter and its kin: no words at all ("lmaooo", "hahaha", "xD").
LAUGHTER = re.compile(
    r"(?<!\w)(?:lo+l+|lma+o+|ha(?:ha)+h?|he(?:he)+|xd+|rofl)(?!\w)", re.IGNORECASE
)
TEXT_SPEAK_WORD = re.compile(
    r"(?<![\w/])("
    + "|".join(re.escape(k) for k in sorted(TEXT_SPEAK, key=len, reverse=True))
    + r")(?![\w/])",
    re.IGNORECASE,
)
SYNONYM = re.compile(
    r"\b(" + "|".join(re.escape(k) for k in sorted(SYNONYMS, key=len, reverse=True)) + r")\b"
)
