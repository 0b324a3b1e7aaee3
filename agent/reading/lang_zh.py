"""Chinese shopping messages in canonical English words (see translate.py).

Numbers written in Chinese become digits (cn2an); price, rating, negation and reference patterns
are rewritten first, then product words by the dictionary, longest first. Segments the dictionary
does not know are cut into words (jieba) and kept; an English word in the message (a brand, "yoga
mat") stays as it is.
"""

from __future__ import annotations

import re
from functools import cache, partial

_CURRENCY = {
    "美元": "dollars", "美金": "dollars", "刀": "dollars", "usd": "dollars", "$": "dollars",
    "欧元": "euros", "英镑": "pounds", "元": "yuan", "块钱": "yuan", "块": "yuan",
    "人民币": "yuan", "rmb": "yuan", "¥": "yuan", "￥": "yuan",
}  # fmt: skip
_CUR = "|".join(re.escape(c) for c in sorted(_CURRENCY, key=len, reverse=True))
_NUM = r"\d+(?:\.\d+)?"

# Patterns on the whole message, in order: (pattern, English with \g<n> groups).
_PATTERNS: list[tuple[str, str]] = [
    (rf"(?:起码|至少|最少|最低)\s*({_NUM})\s*({_CUR})?\s*(?:以上)?", r" at least \1 \2 "),
    (r"(\d+(?:\.\d+)?)\s*(?:寸|英寸)", r" \1 inch "),  # "10寸": ten inches
    # Measures after a number: "4夸脱" four quarts, "40小时" forty hours, "500毫升" 500 ml.
    *[
        (rf"({_NUM})\s*(?:{zh})", rf" \1 {en} ")
        for zh, en in (
            ("个小时|小时|钟头", "hours"), ("夸脱", "quart"), ("加仑", "gallon"),
            ("毫升", "ml"), ("升", "liters"), ("盎司", "oz"), ("厘米|公分", "cm"), ("毫米", "mm"),
            ("英尺", "feet"), ("公斤|千克", "kg"), ("克", "g"), ("瓦", "watts"), ("毫安时?", "mAh"),
        )
    ],
    (r"(?<=[a-z])\s*以上", " or more "),  # "35升以上": 35 litres or more
    (rf"({_NUM})\s*(?:{_CUR})?\s*(?:到|至|-|~|～)\s*({_NUM})\s*({_CUR})?\s*(?:之间|以内)?",
     r" between \1 and \2 \3 "),
    (rf"(?:不超过|不要超过|别超过|不能超过|不可以超过|不能高于|最多|最高|顶多|不高于|低于|少于|小于|便宜于|控制在)\s*({_NUM})\s*({_CUR})?"
     r"\s*(?:以内|以下|之内|内)?", r" no more than \1 \2 "),
    (rf"({_NUM})\s*({_CUR})?\s*(?:以内|以下|之内|内|封顶|左右以内)", r" under \1 \2 "),
    # A new cap: "预算加到20", "放宽到30美元".
    (rf"(?:预算)?(?:加到|提高到|提到|放宽到|涨到|升到|增加到)\s*({_NUM})\s*({_CUR})?", r" up to \1 \2 "),
    (rf"(?:预算|价位|价格)(?:是|在|大概|大约)?\s*({_NUM})\s*({_CUR})?\s*(?:左右|上下)",
     r" around \1 \2 "),
    (rf"(?:预算|价位)(?:是|在|有)?\s*({_NUM})\s*({_CUR})?", r" budget of \1 \2 "),
    (rf"(?:大概|大约|差不多)?\s*({_NUM})\s*({_CUR})?\s*(?:左右|上下)", r" around \1 \2 "),
    (rf"(?:至少|最少|不低于|高于|超过)\s*({_NUM})\s*({_CUR})?", r" over \1 \2 "),
    (rf"({_NUM})\s*({_CUR})?\s*以上", r" over \1 \2 "),
    (rf"({_NUM})\s*({_CUR})", r" \1 \2 "),
    (r"(\d(?:\.\d)?)\s*(?:颗星|星)\s*(?:以上|及以上|或以上)", r" at least \1 stars "),
    (r"(\d(?:\.\d)?)\s*(?:颗星|星)", r" \1 stars "),
    (r"好评(?:多|高)?的?|评分高的?|口碑好的?", " highly rated "),
    # References to shown products. "跟第二个同一个牌子的": the same brand as the second one.
    *[
        (rf"(?:跟|和|与)\s*第\s*(\d+)\s*(?:个|款|件)?\s*(?:是)?\s*(?:同\s*一?\s*个?|一样的?)\s*{said}的?",
         rf" the same {key} as number \1 ")
        for said, key in (("(?:牌子|品牌)", "brand"), ("颜色", "color"), ("材质", "material"))
    ],
    *[
        (rf"(?:跟|和|与)\s*(?:这|那)(?:个|款|件)\s*(?:是)?\s*(?:同\s*一?\s*个?|一样的?)\s*{said}的?",
         rf" the same {key} as that one ")
        for said, key in (("(?:牌子|品牌)", "brand"), ("颜色", "color"), ("材质", "material"))
    ],
    (r"前(?:两|2)(?:个|款|件)", " the first two "),
    (r"第\s*(\d+)\s*(?:个|款|件|种|号)?", r" number \1 "),
    (r"最后(?:一|那|这)?(?:个|款|件)", " the last one "),
    (r"(?:最便宜|最实惠)的(?:那|这)?(?:个|款|件)?", " the cheapest one "),
    (r"(?:更便宜|便宜一点|便宜点)的(?:那|这)(?:个|款|件)", " the cheaper one "),
    (r"(?:最贵)的(?:那|这)?(?:个|款|件)?", " the most expensive one "),
    (r"(?:评分最高|评价最好|最好评)的(?:那|这)?(?:个|款|件)?", " the best rated one "),
    (r"哪(?:个|款)(?:更|比较)?便宜", " which is cheaper "),
    (r"哪(?:个|款)(?:更|比较)?贵", " which is more expensive "),
    (r"不要太贵|别太贵|不太贵", " not too expensive "),
    (r"(?:太|有点|有些|好)贵了?", " too expensive "),
    (r"跟(.+?)(?:差不多|类似|一样|相似)", r" something similar to \1 "),
    (r"(?:大一号|大一点的|大一点|更大的|大号的?|大瓶的?|更大容量的?)", " a bigger size "),
    (r"(?:小一号|小一点的|小一点|更小的|小号的?|小瓶的?|旅行装)", " a smaller size "),
    # "贵一点也行": pricier is fine, the cap is dropped (before "贵一点", more expensive).
    (r"(?:贵一点|贵点|贵些|贵|多花点钱?)(?:也|都)(?:行|可以|没关系|没事|无所谓)", " the price doesn't matter "),
    (r"(?:更便宜|便宜一点|便宜点|再便宜|实惠一点)", " cheaper "),
    (r"(?:更贵|贵一点|高端一点|更高档)", " more expensive "),
    (r"(?:便宜的?|实惠的?|平价的?|不贵的?|性价比高的?)", " cheap "),
    # Dropped constraints.
    (r"(?:品牌|牌子)(?:无所谓|不重要|都行|都可以|没关系|不限)|不限品牌|什么(?:品牌|牌子)都(?:行|可以)",
     " the brand doesn't matter "),
    (r"(?:价格|价钱|预算)(?:无所谓|不重要|都行|没关系|不限)|不限(?:价格|预算)|多少钱都(?:行|可以)",
     " the price doesn't matter "),
    (r"(?:颜色)(?:无所谓|不重要|都行|没关系|不限)|什么颜色都(?:行|可以)", " any color "),
    # "10寸" is 10 inches, "起码二十" at least 20 (both first, above).
    # A question: "它能调光吗" asks about it.
    (r"吗\s*(?=$|[？?，,。！!\s])", " ? "),
    # Before negation: "超了不要" (over it, no) is a hard budget, "要是有…就更好了" a hope.
    (r"(?:要是|如果|若)(?:有|是)?\s*(.+?)\s*的?\s*(?:就|那就)?\s*更好了?", r" ideally \1 "),
    (r"超(?:了|过|出)?(?:预算)?(?:就)?不要|预算死线|死线", " hard budget "),
    (r"能\s*用(?=\s*induction)|适用于(?=\s*induction)", " "),
    # "铸铁的太沉了": the material is too heavy, a complaint about it (as "cast iron is too heavy").
    (r"(?<=[a-z])\s*的?\s*(?:太|过于)(?=[\u4e00-\u9fff])", " is too "),
    (r"(?:也)?(?:凑合|将就)(?:吧|了)?|也能接受|可以接受", " will do "),
    # Negation.
    (r"除了\s*(.+?)\s*(?:以外|之外)(?:的)?", r" except \1 "),
    # "花香的也不要", floral ones are not wanted either: the negation follows what it negates.
    (r"([^\s的，,。！!？?]{1,4})的(?:也|都)(?:不要|不想要|不行|不用)", r" no \1 "),
    (r"(?:不要|不想要|别要|别给我|不含|不带|没有|不需要|不能有|不用|避免|除了)", " no "),
    (r"(?:只要)?(?:别是|不是)", " not "),  # "只要别是粉状的": as long as it is not powder
    (r"对(.+?)过敏", r" allergic to \1 "),
    (r"无(?=[\u4e00-\u9fff])", " no "),
    # Intents.
    (r"比较一下|对比一下|比一比|比较|对比|有什么区别|区别", " compare "),
    (r"详细介绍一下|介绍一下|详细说说|详细信息|详情|更多信息|具体说说|怎么样", " tell me more about "),
    (r"类似的|差不多的|相似的|同款|像.+?(?:一样|那样)的?|类似", " something similar "),
    (r"但是|但|不过|可是", " but "),
    (r"写一段(?:介绍|描述|文案)|写个(?:介绍|描述|文案)|产品文案|描述一下", " write a description "),
    (r"(?:我)?不喜欢", " i don't like "),
    (r"(?:我)?(?:喜欢|爱)(?:这个|那个)", " i like that one "),
    (r"换个牌子|换个品牌|别的牌子|别的品牌|其他牌子|其他品牌|不同的牌子", " a different brand "),
    (r"换(?:一个|个|些)|别的|其他的?|还有(?:别的|其他)吗?", " other options "),
    (r"重新开始|重来|换个话题", " start over "),
    (r"算了", " ok "),
    # Hedges: what follows is hoped for, not required.
    (r"最好是|最好能|如果可以的话|如果可以|如果有的话|可以的话", " ideally "),
    (r"(?<=[，,。\s])最好(?=\s*\d)", " ideally "),  # "最好35升以上": a size hoped for
    # after what is hoped for ("牌子的话Dermaclair最好"): it would be best
    (r"(?<=[a-z0-9\u4e00-\u9fff])最好(?=\s|$|[，,。！!？?]|不是|没有)", " would be best "),
    (r"也没关系|没关系|无所谓|也行|也可以", " not a must "),
    (r"必须(?:是|要)?|一定要|得是", " must be "),
    (r"(?:它|这个|那个|这款|那款)?(?:要|卖|是)?多少钱(?:啊|呀|呢)?", " how much is it "),
    (r"预算(?:可以|能)?(?:多一点|多一些|灵活|有弹性|可以商量)|价格可以商量", " the budget can stretch "),
    (r"预算(?:卡死|很紧|有限|是死的)|(?:绝对|坚决)?不能超(?:过|出)?(?:预算)?", " hard budget "),
    (r"(?:质量)?最好的|质量好的|好点的", " the best one "),
    # "蓝绿色那款" -> "the teal one": the one word before it (not a title said before that)
    (r"\b((?:\d+(?:\.\d+)? )?[a-z]+)\s*的?\s*(?:那|这)(?:个|款|件)", r" the \1 one "),  # "the 10 inch one"
    (r"这个|那个|这款|那款|它", " that one "),
    # Gifts.
    (r"(?:送给|送|给)(?:我)?(?:的)?(妈妈|母亲|老妈|妈)", " for my mom gift "),
    (r"(?:送给|送|给)(?:我)?(?:的)?(爸爸|父亲|老爸|爸)", " for my dad gift "),
    (r"(?:送给|送|给)(?:我)?(?:的)?(老婆|妻子|太太)", " for my wife gift "),
    (r"(?:送给|送|给)(?:我)?(?:的)?(老公|丈夫)", " for my husband gift "),
    (r"(?:送给|送|给)(?:我)?(?:的)?(女朋友|女友)", " for my girlfriend gift "),
    (r"(?:送给|送|给)(?:我)?(?:的)?(男朋友|男友)", " for my boyfriend gift "),
    (r"(?:送给|送|给)(?:我)?(?:的)?(朋友|闺蜜)", " for my friend gift "),
    (r"礼物|送礼", " gift "),
    # Requests and small talk.
    (r"你好|您好|嗨|哈喽", " hi "),
    (r"谢谢|多谢|感谢", " thanks "),
]  # fmt: skip
# Requests first: "有没有" holds "没有", which is a negation on its own.
# A dog's body wash is its shampoo ("给大狗洗澡用的沐浴露"): read before the product words,
# which would make it a body wash.
_PET_WASH = (
    r"((?:狗|宠物|金毛|泰迪|柯基).{0,8}?)(?:沐浴露|洗澡液|沐浴液|香波)",
    r"\1 dog shampoo ",
)
_OWNED = (
    r"我已经有了?|已经有了?|我有(?:一个|一款)?|之前买的|以前买的|我买过|买过|用过",
    " i already have ",
)
_REQUESTS = (
    r"我(?:想要|需要|想找|想买|在找|想|要)|帮我找|给我推荐|求推荐|推荐|有没有|有木有|有冇|有吗|"
    r"请问|能不能|想要|来一(?:个|款|瓶|支|双|件)|来个|给我来|求一?(?:个|款)",
    " i want ",
)
_CN_DIGITS = "零〇一二两三四五六七八九十百千万"
_CN_NUMBER = re.compile(
    rf"(?P<pre>不超过|最多|最高|预算|至少|超过|低于|高于|少于|大于|小于|顶多|大概|大约|差不多|到|至|第|前)"
    rf"(?P<a>[{_CN_DIGITS}]+)"
    rf"|(?P<b>[{_CN_DIGITS}]+)(?=\s*(?:{_CUR}|星|颗星|以内|以下|以上|左右|上下|到|至|之间))"
)

PRODUCTS: dict[str, str] = {
    "化纤": "synthetic", "合成纤维": "synthetic", "真人发": "human hair", "真发": "human hair",
    "人发": "human hair", "充电器": "charger", "充电宝": "power bank", "数据线": "cable",
    "唇彩": "lip gloss", "唇釉": "lip gloss", "润唇膏": "lip balm", "眼影": "eyeshadow",
    "美甲": "nails", "护手": "hand cream",
    "手部": "hand", "干手": "dry hands", "手干": "dry hands",
    "做饭": "cooking", "下厨": "cooking", "烹饪": "cooking", "暖光": "warm white",
    "暖白": "warm white", "冷白": "cool white", "白光": "cool white", "帮帮我": "help me",
    "能帮我吗": "can you help me",
    "狗狗的床": "dog bed", "狗的床": "dog bed", "小型犬": "small dog", "中型犬": "medium dog",
    "大型犬": "large dog", "大狗": "large dog", "小狗": "small dog", "深烘": "dark roast",
    "中烘": "medium roast", "浅烘": "light roast", "皮的": "leather", "橡胶": "rubber",
    "软木": "cork", "泡沫": "foam", "帆布": "canvas", "男款": "men's", "女款": "women's",
    "男士": "men's", "女士": "women's", "中性": "unisex", "宽楦": "wide", "防汗": "sweatproof",
    "帐篷": "tent", "猫砂": "cat litter", "猫": "cat", "咖啡机": "coffee machine",
    "胶囊咖啡机": "capsule coffee machine", "蓝绿色": "teal", "青色": "teal", "珊瑚色": "coral",
    "保湿霜": "moisturizer", "面霜": "moisturizer", "保湿乳": "moisturizer", "润肤霜": "moisturizer",
    "乳液": "lotion", "晚霜": "night cream", "夜霜": "night cream", "精华液": "face serum",
    "精华": "serum", "洁面乳": "gentle cleanser", "洗面奶": "gentle cleanser", "洁面": "cleanser",
    "爽肤水": "toner", "化妆水": "toner", "去角质": "exfoliating", "防晒霜": "sunscreen",
    "防晒": "sunscreen", "物理防晒": "mineral sunscreen", "干洗喷雾": "dry shampoo",
    "免洗洗发": "dry shampoo", "狗狗洗发水": "dog shampoo", "宠物洗发水": "dog shampoo",
    "洗发水": "shampoo", "洗发露": "shampoo", "免洗护发素": "leave-in conditioner",
    "护发素": "conditioner", "发油": "hair oil", "护发精油": "hair oil", "发膜": "hair mask",
    "面膜": "face mask", "无线耳机": "wireless earbuds", "蓝牙耳机": "wireless earbuds",
    "运动耳机": "sport earbuds", "头戴式耳机": "over-ear headphones", "头戴耳机": "over-ear headphones",
    "耳罩式耳机": "on-ear headphones", "耳机": "headphones", "降噪": "noise cancelling",
    "头戴式": "over-ear", "头戴": "over-ear", "调光": "dimmable", "能调光": "dimmable",
    "适合什么肤质": "what skin type is it for", "肤质": "skin type",
    "路跑鞋": "road running shoes", "公路跑鞋": "road running shoes", "路跑": "road running",
    "跑鞋": "running shoes", "跑步鞋": "running shoes", "越野跑鞋": "trail running shoe",
    "鞋": "shoes", "双肩包": "backpack", "厨房用": "for the kitchen", "炖肉": "stew meat", "炖汤": "stew", "水袋背包": "hydration pack", "背包": "backpack", "书包": "backpack",
    "电脑包": "laptop backpack", "登山包": "hiking backpack", "旅行包": "travel backpack",
    "水袋包": "hydration pack", "咖啡豆": "whole bean coffee", "咖啡粉": "ground coffee",
    "胶囊咖啡": "espresso pods", "冷萃咖啡液": "cold brew concentrate", "冷萃咖啡": "cold brew concentrate", "冷萃": "cold brew concentrate", "咖啡": "coffee",
    "绿茶": "green tea", "散茶": "loose leaf tea", "茶叶": "loose leaf tea", "茶包": "tea bags", "袋泡茶": "tea bags", "袋装茶": "tea bags",
    "茶": "tea", "狗绳": "dog leash", "牵引绳": "leash", "遛狗绳": "dog leash",
    "狗狗胸背": "dog harness", "胸背带": "harness", "狗背带": "dog harness", "背带": "harness",
    "牵引背带": "harness", "狗窝": "dog bed", "狗床": "dog bed",
    "磨牙玩具": "chew toy", "狗玩具": "dog toy", "狗粮": "dry dog food", "鸡肉": "chicken", "牛肉": "beef", "三文鱼": "salmon",
    "羊肉": "lamb", "鱼肉": "fish", "无谷": "grain-free", "幼犬": "puppy",
    "狗狗": "dog",
    "狗": "dog", "瑜伽垫": "yoga mat", "瑜伽砖": "yoga block", "泡沫轴": "foam roller",
    "弹力带": "resistance bands", "阻力带": "resistance bands", "壶铃": "kettlebell",
    "跳绳": "jump rope", "平底锅": "skillet", "煎锅": "skillet", "炒锅": "wok",
    "汤锅": "stock pot", "奶锅": "saucepan", "铸铁锅": "dutch oven", "烤盘": "grill pan",
    "锅": "pot", "台灯": "desk lamp", "桌灯": "table lamp", "落地灯": "floor lamp",
    "智能灯泡": "smart bulb", "灯带": "led strip lights", "阅读灯": "reading light", "灯": "lamp",
    "敏感肌": "sensitive skin", "敏感皮肤": "sensitive skin", "干皮": "dry skin",
    "温和": "gentle", "温和的": "gentle", "保湿": "moisturizing", "清爽": "lightweight",
    "干性皮肤": "dry skin", "干性肌肤": "dry skin", "油皮": "oily skin", "油性皮肤": "oily skin",
    "混合皮": "combination skin", "混合性皮肤": "combination skin", "皮肤": "skin",
    "卷发": "curly hair", "细软发": "fine hair", "头发": "hair", "无香精": "fragrance-free",
    "无香料": "fragrance-free", "无香味": "fragrance-free", "无香": "fragrance-free",
    "不含香精": "fragrance-free", "香精": "fragrance", "香料": "fragrance", "香味": "fragrance",
    "水果味": "fruity", "果味": "fruity", "果香": "fruity", "花香": "floral", "坚果味": "nutty",
    "巧克力味": "chocolate", "焦糖味": "caramel", "香草味": "vanilla",
    "无硫酸盐": "sulfate-free", "防水": "waterproof", "无线": "wireless", "有机": "organic",
    "低因": "decaf", "无咖啡因": "decaf", "环保": "eco-friendly", "可调光": "dimmable",
    "电磁炉": "induction compatible", "不粘": "nonstick", "铸铁": "cast iron",
    "不锈钢": "stainless steel", "真皮": "leather", "皮革": "leather", "尼龙": "nylon",
    "棉": "cotton", "黑色": "black", "黑": "black", "白色": "white", "红色": "red",
    "蓝色": "blue", "藏青色": "navy", "绿色": "green", "灰色": "grey", "粉色": "pink",
    "粉红色": "pink", "紫色": "purple", "棕色": "brown", "银色": "silver", "金色": "gold",
    "玫瑰金": "rose gold", "薰衣草": "lavender", "玫瑰": "rose", "椰子": "coconut",
    "柑橘": "citrus", "桉树": "eucalyptus", "芦荟": "aloe", "维生素c": "vitamin c",
    "玻尿酸": "hyaluronic acid", "透明质酸": "hyaluronic acid", "视黄醇": "retinol",
    "口红": "lipstick", "唇膏": "lipstick", "指甲油": "nail polish", "穿戴甲": "press on nails",
    "睫毛膏": "mascara", "眼线笔": "eyeliner", "粉底": "foundation", "散粉": "powder",
    "化妆品": "makeup", "香水": "perfume", "吹风机": "hair dryer", "直发器": "hair straightener",
    "卷发棒": "curling iron", "梳子": "comb", "刷子": "brush", "假睫毛": "false eyelashes",
    "睫毛": "eyelashes", "假发": "wig", "接发": "hair extensions", "香皂": "soap", "肥皂": "soap",
    "身体乳": "body lotion", "护手霜": "hand cream", "霜": "cream", "精油": "oil",
    "化妆刷": "makeup brush", "笔记本电脑": "laptop", "电脑": "computer", "手机": "phone",
    "刹车片": "brake pads", "汽车配件": "car parts", "汽车零件": "car parts", "轮胎": "tires",
    "汽车": "car", "电视": "tv", "冰箱": "refrigerator",
    "印度": "india", "斯里兰卡": "sri lanka", "中国": "china", "日本": "japan", "哥伦比亚": "colombia",
    "埃塞俄比亚": "ethiopia", "巴西": "brazil", "肯尼亚": "kenya", "危地马拉": "guatemala", "越南": "vietnam",
    "不含咖啡因": "decaf", "咖啡胶囊": "espresso pods",
    # Attribute values shoppers say in Chinese.
    "极简风": "minimalist", "极简": "minimalist", "简约": "minimalist", "现代风": "modern",
    "现代": "modern", "工业风": "industrial", "复古": "mid-century", "中古风": "mid-century",
    "电池": "battery", "充电式": "usb", "插电": "plug-in", "可调": "adjustable",
    "冷光": "cool white", "主动降噪": "active noise cancelling",
    "被动降噪": "passive noise cancelling", "有线": "wired",
    "碳钢": "carbon steel", "再生聚酯": "recycled polyester",
    "宽脚": "wide", "橄榄绿": "olive", "沙色": "sand",
    "米色": "beige", "细软发质": "fine hair",
    # beauty words shoppers used in the conversation sets on the Amazon beauty catalogue
    "腮红": "blush",
    "遮瑕": "concealer",
    "遮瑕膏": "concealer",
    "死皮推": "cuticle pusher",
    "指甲刀": "nail clipper",
    "电动磨甲机": "electric nail drill",
    "磨甲机": "nail drill",
    "身体磨砂膏": "body scrub",
    "磨砂膏": "scrub",
    "睡帽": "bonnet",
    "眼膜": "eye patches",
    "眼贴": "eye patches",
    "眼霜": "eye cream",
    "唇膜": "lip mask",
    "护唇膏": "lip balm",
    "胡子": "beard",
    "胡须": "beard",
    "剃须": "shaving",
    "胡子油": "beard oil",
    "卸妆": "makeup remover",
    "睫毛夹": "eyelash curler",
    "美妆蛋": "makeup sponge",
    "直板夹": "hair straightener",
    "染发剂": "hair color",
    "玉石滚轮": "jade roller",
    "嘴唇": "lips",
    "指甲": "nails",
    "眉毛": "eyebrows",
    "黑眼圈": "dark circles",
    # hair, coffee, dog, fitness and skin words shoppers used in the conversation sets
    "钢丝绳": "steel cable",
    "项圈": "collar",
    "定位": "gps",
    "力量训练": "strength training",
    "小瓶": "small",
    "分叉": "split ends",
    "发箍": "headband",
    "宽发带": "wide headband",
    "发带": "headband",
    "抓夹": "claw clip",
    "发夹": "hair clip",
    "中度烘焙": "medium roast",
    "深度烘焙": "dark roast",
    "浅度烘焙": "light roast",
    "蓝牙音箱": "bluetooth speaker",
    "音箱": "speaker",
    "烧水壶": "kettle",
    "电热水壶": "electric kettle",
    "磨豆机": "coffee grinder",
    "手工皂": "handmade soap",
    "跑步": "running", "健身房": "gym", "健身": "gym", "运动": "sports", "锻炼": "exercise", "出汗": "sweat",
    "自行车头盔": "bike helmet", "骑行头盔": "bike helmet", "头盔": "helmet", "自行车": "bike", "骑行": "cycling",
    "粉状": "powder", "粉质": "powder", "膏状": "cream", "霜状": "cream", "液体": "liquid",
    "液态": "liquid", "啫喱": "jelly", "果冻": "jelly",
    "电动牙刷": "electric toothbrush", "牙刷": "toothbrush", "蛋白粉": "protein powder",
    "乳清蛋白": "whey protein", "打印机": "printer", "墨盒": "ink cartridge", "床垫": "mattress",
    "热水壶": "kettle", "水壶": "kettle", "不掉": "that stay in", "床头灯": "bedside lamp", "床头": "bedside",
    "看书": "reading", "阅读": "reading", "失眠": "trouble sleeping", "睡不着": "trouble sleeping",
    "脱咖啡因": "decaf", "德牧": "large dog", "金毛": "large dog", "拉布拉多": "large dog", "耐咬": "tough",
    "咬": "chew", "磨牙": "chew",
    "有咖啡因的": "regular", "有咖啡因": "regular", "含咖啡因": "regular", "正常咖啡因": "regular",
    "咖啡因": "caffeine", "狗狗沐浴露": "dog shampoo", "狗沐浴露": "dog shampoo", "宠物沐浴露": "dog shampoo",
    "沐浴露": "body wash",
    "改喝": "switch to", "改用": "switch to", "换成": "switch to", "换用": "switch to", "改成": "switch to",
}  # fmt: skip
_FILLER = "的了吗呢吧啊呀嘛么和跟或者还有也请一个一款一些一双点儿"


@cache
def _products() -> re.Pattern[str]:
    return re.compile("|".join(re.escape(p) for p in sorted(PRODUCTS, key=len, reverse=True)))


def to_english(text: str) -> str:
    import cn2an

    # "一个" says nothing, except in "最后一个" (the last one) and "第一个" (the first).
    low = re.sub(r"(?<![最后第])[一1](?:个|款|件|双|瓶|支|条|套|台|只|份)", " ", text.casefold())
    low = _CN_NUMBER.sub(
        lambda m: (m.group("pre") or "") + _number(cn2an, m.group("a") or m.group("b")), low
    )
    # A currency sign before the number ("￥300"): the word after it, as the patterns read.
    low = re.sub(r"[¥￥]\s*(\d+(?:\.\d+)?)", r" \1元 ", low)
    low = re.sub(r"(?:us)?\$\s*(\d+(?:\.\d+)?)", r" \1美元 ", low)
    # "没有啊" on its own answers the shop ("there isn't any, then…"): it negates nothing that
    # follows; read before the product words, which would put a space after a bare "没有".
    low = re.sub(
        r"(?:^|(?<=[\s，,。！!？?]))没有(?:(?:啊|呀|吗|哦|诶|耶|呢|的话)(?=$|[\s，,。！!？?])|(?=$|[，,。！!？?]))",
        " oh ",
        low,
    )
    low = re.sub(_PET_WASH[0], _PET_WASH[1], low)
    low = re.sub(_OWNED[0], _OWNED[1], low)
    low = re.sub(_REQUESTS[0], _REQUESTS[1], low)
    low = _products().sub(lambda m: f" {PRODUCTS[m.group(0)]} ", low)
    for pattern, english in _PATTERNS:
        low = re.sub(pattern, partial(_expand, template=english), low)
    return _segment_rest(low)


def _number(cn2an: object, words: str) -> str:
    try:
        # cn2an is imported lazily (its start-up is slow) and ships no type hints
        value = cn2an.cn2an(words, "smart")  # type: ignore[attr-defined]
    except (ValueError, KeyError, IndexError):  # not a number cn2an can read: keep it
        return words
    return f"{value:g}" if isinstance(value, int | float) else words


def _expand(match: re.Match[str], template: str) -> str:
    def group(n: int) -> str:
        value = match.group(n) if n <= (match.re.groups or 0) else None
        return _CURRENCY.get(value, value) if value else ""

    return re.sub(r"\\(\d)", lambda g: group(int(g.group(1))), template)


def _segment_rest(text: str) -> str:
    """Chinese left after the rewriting: small words dropped, the rest cut into words."""
    import jieba

    jieba.setLogLevel(60)  # no start-up chatter in the server log
    out: list[str] = []
    for piece in re.split(r"([\u4e00-\u9fff]+)", text):
        if not re.match(r"[\u4e00-\u9fff]", piece):
            out.append(piece)
            continue
        kept = [w for w in jieba.lcut(piece) if w.strip(_FILLER)]
        out.append(" " + " ".join(kept) + " ")
    return re.sub(r"\s+", " ", "".join(out)).replace(" ,", ",").strip()
