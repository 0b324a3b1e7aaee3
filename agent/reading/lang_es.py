"""Spanish shopping messages in canonical English words (see translate.py).

Phrases are replaced longest first on whole words; numbers written as words become digits next to
a price word. The product words cover the kinds of products shops like the demo's and the
beauty catalogue's sell; a word not listed is kept as written.
"""

from __future__ import annotations

import re
from functools import cache, partial

from number_parser import parse_number

from agent.reading.money import digits_for_words

# Structure: requests, prices, negation, references, intents, gifts, sizes.
_STRUCTURE: dict[str, str] = {
    # Questions about a product shown ("¿Y qué tono es ese?", "¿A qué huele?")
    # Where a product is for ("para la oficina", "pa'l gym")
    "para la oficina": "for the office", "oficina": "office", "para el trabajo": "for work",
    "para la casa": "for the home", "para casa": "for the home",
    "qué tono es": "what shade is it", "que tono es": "what shade is it", "qué tono tiene": "what shade is it",
    "de qué color es": "what color is", "qué color es": "what color is", "de qué color son": "what color are",
    "qué color tiene": "what color is it", "qué talla es": "what size is", "qué tamaño es": "what size is",
    "qué tamaño tiene": "what size is it", "de qué tamaño es": "what size is",
    "de qué material es": "what material is", "de qué material son": "what material are",
    "de qué está hecho": "what is it made of", "de qué está hecha": "what is it made of",
    "a qué huele": "what scent is it", "a que huele": "what scent is it",
    "qué olor tiene": "what scent is it", "huele a": "smells like", "huele": "smells",
    "huelen": "smell", "cuántas horas dura": "how many hours does it run",
    "cuantas horas dura": "how many hours does it run", "cuánto dura": "how long does it run",
    "cuanto dura": "how long does it run", "cuánto pesa": "how heavy is it", "cuanto pesa": "how heavy is it",
    "cuántos": "how many", "cuántas": "how many", "cuantos": "how many", "cuantas": "how many",
    "dura": "runs", "duran": "run", "sirve para": "does it work for", "sirven para": "do they work for",
    "vale para": "does it work for", "valen para": "do they work for", "funciona con": "does it work with",
    "funciona para": "does it work for", "es compatible con": "is it compatible with",
    "estoy buscando": "i am looking for", "ando buscando": "i am looking for",
    "busco": "i am looking for", "buscando": "looking for", "quiero": "i want",
    "libre de sulfatos": "sulfate-free", "sin sulfatos": "sulfate-free",
    "libre de parabenos": "paraben-free", "sin parabenos": "paraben-free",
    "libre de crueldad": "cruelty-free", "que sea": "that is", "que sean": "that are",
    "lo quiero": "i want it", "la quiero": "i want it", "los quiero": "i want them",
    "las quiero": "i want them", "lo necesito": "i need it", "la necesito": "i need it",
    "quisiera": "i would like", "me gustaría": "i would like", "necesito": "i need", "lo que me falta es": "what i need is", "me falta": "i need",
    "lo que necesito es": "what i need is", "lo que busco es": "what i am looking for is",
    "me interesa": "i want", "me interesan": "i want", "tienen": "do you have",
    "idealmente": "ideally", "preferiblemente": "preferably", "de preferencia": "preferably",
    "si es posible": "if possible", "si puede ser": "if possible", "tienes": "do you have", "tiene": "do you have", "tenéis": "do you have", "teneis": "do you have", "hay": "do you have",
    "muéstrame": "show me", "muestrame": "show me", "enséñame": "show me", "ensename": "show me",
    "recomiéndame": "recommend", "recomiendame": "recommend", "recomienda": "recommend",
    "dame": "give me", "me ayudas": "can you help me", "ayúdame": "help me",
    "ayudame": "help me", "me puedes ayudar": "can you help me", "lo que recomiendes": "whatever you recommend",
    "lo que tú me recomiendes": "whatever you recommend", "lo que me recomiendes": "whatever you recommend",
    "me cansa la vista": "hurts my eyes", "me molesta": "bothers me", "me irrita": "irritates me", "ya tengo": "i already have", "tengo": "i have",
    "ya compré": "i already bought", "compré": "i bought", "cuerda": "rope",
    "cuál es más barato": "which is cheaper", "cuál es más barata": "which is cheaper",
    "cuál de los dos es más barato": "which of the two is cheaper",
    "cuál de las dos es más barata": "which of the two is cheaper",
    "de las dos": "of the two", "de los dos": "of the two", "el mejor": "the best one",
    "la mejor": "the best one", "de diadema": "over-ear or on-ear", "de botón": "earbuds", "por favor": "please", "porfa": "please", "gracias": "thanks",
    "muchas gracias": "thanks", "hola": "hi", "buenos días": "hi", "buenas tardes": "hi",
    "buenas": "hi", "vale": "ok", "de acuerdo": "ok", "perfecto": "perfect", "adiós": "bye",
    "para": "for", "con": "with", "sin": "without", "y": "and", "e": "and", "o": "or",
    "u": "or", "ni": "nor", "pero": "but", "aunque": "though", "entonces": "then", "pensándolo bien": "on second thought", "pensandolo bien": "on second thought", "que tengan": "that have", "aunque no sean": "even if not", "aunque no sea": "even if not", "de colores": "colored", "también": "also", "lo primero es": "to begin with", "lo primero": "to begin with", "porque": "because",
    "voy a tener que": "i will have to", "tengo que": "i have to", "comprar": "buy",
    "no sé": "unsure", "no se": "unsure", "no estoy segura": "unsure", "no estoy seguro": "unsure",
    "que no sea de": "not from", "que no sean de": "not from", "que no sea": "not",
    "que no sean": "not", "que no tenga": "without", "que no tengan": "without",
    "no quiero gastarme más de": "i don't want to spend more than",
    "no quiero gastar más de": "i don't want to spend more than",
    "no me quiero gastar más de": "i don't want to spend more than",
    "puedo gastar": "i can spend", "quiero gastar": "i want to spend", "gastarme": "spend",
    "gastar": "spend", "todo menos": "anything but", "regalarle a": "a gift for", "regalarle": "a gift for", "regalarles a": "a gift for",
    "regalarles": "a gift for", "tomando": "drinking", "sin cafeína": "decaf", "sin cafeina": "decaf", "sabores": "flavors", "sabor": "flavor", "especiados": "spiced", "especiado": "spiced",
    "le encanta": "loves", "le encantan": "loves", "todo el día": "all day", "se la pasa": "always",
    "para regalar": "as a gift", "qué me recomendás": "what do you recommend",
    "qué me recomiendas": "what do you recommend", "me recomendás": "recommend",
    "recomendás": "recommend", "recomendarías": "would you recommend", "mi viejo": "my dad",
    "mi vieja": "my mom", "mi jefa": "my mom", "mi jefe": "my dad", "cuánto cuesta": "how much is it", "cuanto cuesta": "how much is it",
    "cuánto vale": "how much is it", "cuanto vale": "how much is it", "cuánto sale": "how much is it",
    "qué precio tiene": "how much is it", "a cuánto está": "how much is it", "cualquiera menos": "anything but",
    "no quiero": "i don't want", "no me gusta": "i don't like", "no me gustan": "i don't like",
    "me gusta": "i like", "me gustan": "i like", "me encanta": "i love", "me encantan": "i love",
    "soy alérgica a": "allergic to", "soy alérgico a": "allergic to", "alérgica a": "allergic to",
    "alérgico a": "allergic to", "excepto": "except", "salvo": "except", "evitar": "avoid",
    "nada de": "no", "ningún": "no", "ninguna": "no", "no": "not", "nada": "nothing",
    "cualquier cosa menos": "anything but", "lo que sea menos": "anything but",
    "menos de": "under", "por debajo de": "under", "no más de": "no more than",
    "no mas de": "no more than", "como máximo": "at most", "como maximo": "at most",
    "a lo sumo": "at most", "máximo": "max", "maximo": "max", "hasta": "up to",
    "más de": "over", "mas de": "over", "por encima de": "over", "al menos": "at least",
    "como mínimo": "at least", "mínimo": "at least", "minimo": "at least", "entre": "between",
    "alrededor de": "around", "aproximadamente": "around", "cerca de": "around",
    "más o menos": "around", "la última vez": "last time", "la otra vez": "the other time",
    "que no pasen de": "under", "que no pase de": "under", "no pase de": "under",
    "que ronde los": "around", "que ronde": "around", "rondando los": "around", "presupuesto de": "budget of",
    "mi presupuesto es de": "my budget is", "mi presupuesto es": "my budget is",
    "presupuesto": "budget", "precio": "price", "dólares": "dollars", "dolares": "dollars",
    "dólar": "dollar", "dolar": "dollar", "euros": "euros", "euro": "euro", "libras esterlinas": "pounds",
    # (elsewhere "libras" weigh: Spanish speakers pay in euros, pesos or dollars)
    "libras": "lb", "libra": "lb", "cuartos": "quarts",
    "pesos": "pesos", "barato": "cheap", "barata": "cheap", "baratos": "cheap",
    "baratas": "cheap", "baratito": "cheap", "baratita": "cheap", "baratitos": "cheap", "económico": "cheap", "económica": "cheap", "economico": "cheap",
    "más barato": "cheaper", "más barata": "cheaper", "más baratos": "cheaper",
    "más baratas": "cheaper", "mas barato": "cheaper", "mas barata": "cheaper",
    "más económico": "cheaper", "más caro": "more expensive", "más cara": "more expensive",
    "el más barato": "the cheapest one", "la más barata": "the cheapest one",
    "el más caro": "the most expensive one", "la más cara": "the most expensive one",
    "el más económico": "the cheapest one", "la más económica": "the cheapest one",
    "el mejor valorado": "the best rated one", "la mejor valorada": "the best rated one",
    "aunque cuesten más": "even if they cost more", "aunque cuesten mas": "even if they cost more",
    "aunque cueste más": "even if it costs more", "aunque cueste mas": "even if it costs more",
    "aunque sean más caros": "even if they are pricier", "aunque sea más caro": "even if it is pricier",
    "el precio no importa": "the price doesn't matter", "no importa el precio": "the price doesn't matter",
    "el precio da igual": "the price doesn't matter", "sin límite de precio": "no price limit",
    "la marca no importa": "the brand doesn't matter", "no importa la marca": "the brand doesn't matter",
    "la marca da igual": "the brand doesn't matter", "cualquier marca": "any brand",
    "la marca me da igual": "the brand doesn't matter", "me da igual la marca": "the brand doesn't matter",
    "el precio me da igual": "the price doesn't matter", "me da igual el precio": "the price doesn't matter",
    "el color me da igual": "the color doesn't matter", "otra marca": "a different brand",
    "de otra marca": "from a different brand", "distinta": "different", "distinto": "different",
    "no tan caro": "not too expensive", "no muy caro": "not too expensive",
    "el color no importa": "the color doesn't matter", "cualquier color": "any color",
    "olvida el presupuesto": "forget the budget", "olvídate del presupuesto": "forget the budget",
    "el primero": "the first one", "la primera": "the first one", "el primer": "the first",
    "el segundo": "the second one", "la segunda": "the second one", "el tercero": "the third one",
    "la tercera": "the third one", "el tercer": "the third", "el cuarto": "the fourth one",
    "la cuarta": "the fourth one", "el quinto": "the fifth one", "la quinta": "the fifth one",
    "el último": "the last one", "la última": "the last one", "el ultimo": "the last one",
    "la ultima": "the last one", "los dos primeros": "the first two",
    "las dos primeras": "the first two", "los dos": "both", "las dos": "both", "ambos": "both",
    "ese": "that one", "esa": "that one", "este": "this one", "esta": "this one",
    "eso": "that", "esto": "this", "número": "number", "numero": "number",
    "compara": "compare", "comparar": "compare", "compará": "compare", "comparame": "compare",
    "comparalos": "compare them", "comparalas": "compare them",
    "de la misma marca que": "of the same brand as", "la misma marca que": "the same brand as",
    "del mismo color que": "of the same color as", "el mismo color que": "the same color as",
    "del mismo material que": "of the same material as",
    "el mismo material que": "the same material as",
    "de la misma talla que": "of the same size as", "del mismo tamaño que": "of the same size as", "compáralos": "compare them",
    "compáralas": "compare them", "comparación": "compare", "diferencia": "difference",
    "diferencias": "differences", "cuál es mejor": "which is better", "cuéntame más sobre": "tell me more about",
    "cuéntame más de": "tell me more about", "cuéntame más": "tell me more",
    "cuentame mas": "tell me more", "más información": "more information",
    "mas informacion": "more information", "detalles": "details", "háblame de": "tell me about",
    "qué tal": "what about", "al primero": "the first one", "al segundo": "the second one",
    "al tercero": "the third one", "al cuarto": "the fourth one", "al quinto": "the fifth one",
    "al último": "the last one", "del primero": "the first one", "del segundo": "the second one",
    "del tercero": "the third one", "del último": "the last one", "tercero": "third one",
    "segundo": "second one", "primero": "first one",
    "algo parecido a": "something similar to", "algo parecido": "something similar",
    "algo similar a": "something similar to", "algo similar": "something similar",
    "parecido a": "similar to", "similar a": "similar to", "como el": "like the",
    "como la": "like the", "otras opciones": "other options", "otra opción": "other options",
    "algo más": "something else", "otros": "other ones", "otras": "other ones",
    "describe": "describe", "descripción": "description", "escribe": "write",
    "empezar de nuevo": "start over", "empecemos de nuevo": "start over",
    "olvídalo": "forget it", "olvidalo": "forget it", "mejor": "actually",
    "regalo": "gift", "regalar": "gift", "para mi madre": "for my mom",
    "para mi mamá": "for my mom", "para mi mama": "for my mom", "para mi padre": "for my dad",
    "para mi papá": "for my dad", "para mi papa": "for my dad", "para mi esposa": "for my wife",
    "para mi mujer": "for my wife", "para mi esposo": "for my husband",
    "para mi marido": "for my husband", "para mi novia": "for my girlfriend",
    "para mi novio": "for my boyfriend", "para mi amiga": "for my friend",
    "para mi amigo": "for my friend", "para mi hermana": "for my sister",
    "para mi hermano": "for my brother", "para mi hijo": "for my son",
    "para mi hija": "for my daughter", "para mi abuela": "for my grandma",
    "para mi abuelo": "for my grandpa", "más grande": "bigger size",
    "mas grande": "bigger size", "tamaño más grande": "bigger size",
    "talla más grande": "bigger size", "más pequeño": "smaller size",
    "más pequeña": "smaller size", "tamaño más pequeño": "smaller size",
    "tamaño": "size", "talla": "size", "estrellas": "stars", "estrella": "star",
    "bien valorado": "highly rated", "bien valorada": "highly rated",
    "buenas reseñas": "good reviews", "mejor valorado": "highly rated",
    "qué tienen": "what do you have", "qué tienes": "what do you have", "qué tenéis": "what do you have", "qué hay": "what do you have",
    "qué": "what", "algo como": "something like", "como": "like", "las primeras": "the first ones", "los primeros": "the first ones",
    "las últimas": "the last ones", "los últimos": "the last ones", "cualquier": "any",
    "que no cueste más de": "under", "que no cueste mas de": "under",
    "que no cuesten más de": "under", "no cueste más de": "under", "que cueste menos de": "under",
    "pues": "well", "en fin": "well", "ya en serio": "well", "urgente": "urgently", "urgentemente": "urgently", "cuanto antes": "asap", "en serio": "really", "hablando en serio": "well", "total que": "well", "bueno": "well", "luego": "then", "después": "then", "despues": "then", "siempre": "always", "se queja de que": "complains that",
    "se queja": "complains", "que huela bien": "that smells nice", "huela bien": "smells nice",
    "de la marca": "from", "marca": "brand",
    # must and nice-to-have: "45 litros sí o sí", "si es impermeable, mejor", "no es excluyente"
    "sí o sí": "a must", "si o si": "a must", "no es excluyente": "not a must",
    "no es imprescindible": "not a must", "no es obligatorio": "not a must",
    "es imprescindible": "a must", "imprescindible": "a must", "obligatoriamente": "a must",
    "tiene que ser": "must be", "tienen que ser": "must be", "tiene que tener": "must have",
    "tienen que tener": "must have", "tiene que venir con": "must come with",
    "debe ser": "must be", "deben ser": "must be", "debe tener": "must have",
    "tiene que llevar": "must have", "innegociable": "non negotiable",
    "litros": "liters", "litro": "liter", "pulgadas": "inch", "pulgada": "inch",
    "me muestra": "show me", "muestra": "show me", "trocha": "trail", "uno": "one", "mililitros": "ml", "onzas": "oz", "centímetros": "cm", "horas": "hours", "hora": "hour",
    "cuartos de galón": "quart", "cuarto de galón": "quart", "galones": "gallons", "galón": "gallon",
    "milímetros": "mm", "kilos": "kg", "kilogramos": "kg", "gramos": "g", "vatios": "watts",
    "de": "of",
    # Words of requests, moods and slang, not products (no plural forms are made of these).
    "en vez de": "instead of", "en lugar de": "instead of", "cambiar": "swap",
    "cambiando": "swapping", "cambio": "swap", "dejar el": "quit the", "reemplazar": "replace",
    "sustituir": "replace", "ni de broma": "no way", "que no huela a": "without",
    "que no huelan a": "without", "no huela a": "without", "no huelan a": "without",
    "sin olor a": "without", "que no tenga olor a": "without", "nesecito": "i need",
    "nececito": "i need", "nesesito": "i need", "de la tarde": "afternoon",
    "por la tarde": "in the afternoon", "ando corta de lana": "on a budget", "ando bien": "i am very", "ando muy": "i am very", "que te pones": "that you put on", "te relajas": "you relax",
    "ando corto de lana": "on a budget", "ando corta de dinero": "on a budget",
    "sin lana": "on a budget", "consentirme": "treat myself", "estresada": "stressed",
    "estresado": "stressed", "este fin": "this weekend", "fin de semana": "weekend",
    "tipo": "like", "re": "very", "me estoy pasando a": "switching to", "pasarme a": "switch to",
    "cambiarme a": "switch to", "me paso a": "switching to", "se aburre": "is bored",
    "lo destroza todo": "destroys everything", "se lo carga todo": "destroys everything",
    "lo rompe todo": "destroys everything", "que no se caigan": "that stay in",
    "que no se me caigan": "that stay in", "q no se me caigan": "that stay in",
    "que no se te caigan": "that stay in", "que no se salgan": "that stay in",
    # Questions, demonstratives and references to shown products ("¿y cuál de esas sale menos?").
    "cuál": "which", "cual": "which", "cuáles": "which", "cuales": "which",
    "cuál de esas": "which of those", "cuál de esos": "which of those", "cual de esas": "which of those",
    "cual de esos": "which of those", "cuál de estas": "which of these", "cuál de estos": "which of these",
    "cuál de ellos": "which of them", "cuál de ellas": "which of them", "cuál de todos": "which of them",
    "cuál de todas": "which of them", "de esas": "of those", "de esos": "of those", "de estas": "of these",
    "de estos": "of these", "de ellos": "of them", "de ellas": "of them", "esas": "those", "esos": "those",
    "estas": "these", "estos": "these", "aquellas": "those", "aquellos": "those", "aquel": "that one",
    "aquella": "that one", "aquello": "that",
    # Verbs of cost in every common person and region ("sale/salen" of Argentina, "vale" of Spain):
    # only next to a price word, alone "sale" is also "comes out" and "vale" is "ok".
    "cuesta menos de": "costs under", "cuestan menos de": "cost under", "cueste menos de": "costs under",
    "cuesten menos de": "cost under", "sale menos de": "costs under", "salen menos de": "cost under",
    "salga menos de": "costs under", "salgan menos de": "cost under", "vale menos de": "costs under",
    "valen menos de": "cost under", "cuesta más de": "costs over", "cuestan más de": "cost over",
    "sale más de": "costs over", "salen más de": "cost over", "vale más de": "costs over",
    "valen más de": "cost over", "cuesta menos": "is cheaper", "cuestan menos": "are cheaper",
    "cueste menos": "is cheaper", "cuesten menos": "are cheaper", "sale menos": "is cheaper",
    "salen menos": "are cheaper", "salga menos": "is cheaper", "salgan menos": "are cheaper",
    "vale menos": "is cheaper", "valen menos": "are cheaper", "sale más barato": "is cheaper",
    "sale más barata": "is cheaper", "salen más baratos": "are cheaper", "salen más baratas": "are cheaper",
    "sale mas barato": "is cheaper", "cuesta más": "is more expensive", "cuestan más": "are more expensive",
    "sale más": "is more expensive", "salen más": "are more expensive", "vale más": "is more expensive",
    "valen más": "are more expensive", "sale más caro": "is more expensive", "sale más cara": "is more expensive",
    "el que cuesta menos": "the cheaper one", "la que cuesta menos": "the cheaper one",
    "el que sale menos": "the cheaper one", "la que sale menos": "the cheaper one",
    "el que vale menos": "the cheaper one", "la que vale menos": "the cheaper one",
    "el que menos cuesta": "the cheapest one", "la que menos cuesta": "the cheapest one",
    "el que menos sale": "the cheapest one", "la que menos sale": "the cheapest one",
    "el que cuesta más": "the more expensive one", "la que cuesta más": "the more expensive one",
    "los más baratos": "the cheapest ones", "las más baratas": "the cheapest ones",
    "lo más barato": "the cheapest one", "más económica": "cheaper", "más económicos": "cheaper",
    "más económicas": "cheaper", "mas economico": "cheaper", "mas economica": "cheaper",
    "más asequible": "more affordable", "más accesible": "more affordable", "asequible": "affordable",
    "caro": "expensive", "caros": "expensive", "carísimo": "too expensive",
    "carísima": "too expensive", "demasiado caro": "too expensive", "demasiado cara": "too expensive",
    "muy caro": "too expensive", "muy cara": "too expensive", "cuesta": "costs", "cuestan": "cost",
    "cueste": "costs", "cuesten": "cost", "cuánto cuestan": "how much are they",
    "cuanto cuestan": "how much are they", "cuánto salen": "how much are they",
    "cuanto salen": "how much are they", "cuanto sale": "how much is it", "cuánto valen": "how much are they",
    "cuanto valen": "how much are they", "qué precio tienen": "how much are they",
    "cuál es el precio": "what is the price", "a cuánto sale": "how much is it",
    # Price caps and money slang ("que no pase de", "50 lucas", "poca plata", "la guita").
    "que no se pase de": "no more than", "sin pasarme de": "no more than", "sin pasar de": "no more than",
    "no pasarme de": "no more than", "no pasar de": "no more than", "como tope": "at most",
    "de tope": "at most", "lucas": "bucks", "luca": "bucks", "luquitas": "bucks", "guita": "money",
    "poca plata": "on a budget", "no tengo mucha plata": "on a budget", "ando corto de plata": "on a budget",
    "ando corta de plata": "on a budget", "sin gastar mucho": "on a budget",
    "sin gastar mucha plata": "on a budget", "no tengo mucho dinero": "on a budget",
    "poco dinero": "on a budget", "poca pasta": "on a budget",
    # Wanting and asking, in every common person and region.
    "me gustaria": "i would like", "me encantaría": "i would like", "querría": "i would like",
    "quería": "i want", "queria": "i want", "quiero comprar": "i want to buy", "andaba buscando": "i am looking for",
    "estaba buscando": "i am looking for", "ando buscando algo": "i am looking for something",
    "buscaba": "i am looking for", "me hace falta": "i need", "me hacen falta": "i need",
    "me urge": "i need", "me vendría bien": "i need", "necesitaría": "i need", "necesitaria": "i need",
    "me podrías recomendar": "can you recommend", "me puedes recomendar": "can you recommend",
    "me recomiendas": "recommend", "qué me aconsejas": "what do you recommend", "aconséjame": "recommend",
    "tenés": "do you have", "tendrás": "do you have", "tendrán": "do you have", "tendrías": "do you have",
    "manejan": "do you have", "venden": "do you sell", "vendes": "do you sell", "no tengo": "i don't have",
    # Not knowing what to give ("no tengo ni idea de qué regalarle"): no wish, nothing to search.
    "no tengo ni idea de qué regalarle": "no idea what to get", "no tengo ni idea de que regalarle": "no idea what to get",
    "no tengo ni idea": "no idea", "no tengo idea": "no idea", "ni idea": "no idea",
    "no sé qué regalarle": "no idea what to get", "no se que regalarle": "no idea what to get",
    "no sé qué regalar": "no idea what to get", "no se que regalar": "no idea what to get",
    "no sé qué comprarle": "no idea what to get", "no se que comprarle": "no idea what to get",
    "qué regalarle": "what to get", "que regalarle": "what to get", "qué regalar": "what to get",
    "qué comprarle": "what to get", "comprarle a": "buy for", "comprarle": "buy", "regalito": "gift",
    "un detallito": "a gift", "para regalo": "as a gift", "de regalo": "as a gift",
    # Occasions.
    "cumple": "birthday", "cumpleaños": "birthday", "cumpleanos": "birthday", "navidad": "christmas",
    "navidades": "christmas", "día de la madre": "mother's day", "dia de la madre": "mother's day",
    "día de las madres": "mother's day", "dia de las madres": "mother's day", "día del padre": "father's day",
    "dia del padre": "father's day", "aniversario": "anniversary", "boda": "wedding gift",
    "san valentín": "valentine's", "san valentin": "valentine's", "día de los enamorados": "valentine's",
    "amigo invisible": "secret santa gift", "amigo secreto": "secret santa gift",
    # When: the day a gift is for is no search word ("el sábado es el cumple").
    "el lunes": "soon", "el martes": "soon", "el miércoles": "soon", "el jueves": "soon",
    "el viernes": "soon", "el sábado": "soon", "el sabado": "soon", "el domingo": "soon",
    "este lunes": "soon", "este martes": "soon", "este miércoles": "soon", "este jueves": "soon",
    "este viernes": "soon", "este sábado": "soon", "este sabado": "soon", "este domingo": "soon",
    "lunes": "soon", "martes": "soon", "miércoles": "soon", "jueves": "soon", "viernes": "soon",
    "sábado": "soon", "domingo": "soon", "por la mañana": "in the morning", "de la mañana": "morning",
    "mañana": "tomorrow", "pasado mañana": "soon", "hoy": "today", "esta semana": "this week",
    "la semana que viene": "soon", "la próxima semana": "soon", "el mes que viene": "soon", "pronto": "soon",
    # Family and others a gift is for ("para mi suegra", "el cumple de mi abuela").
    "mi abuela": "my grandma", "mi abuelita": "my grandma", "mi abuelo": "my grandpa",
    "mi abuelito": "my grandpa", "mis abuelos": "my grandparents", "mi mamá": "my mom",
    "mi mama": "my mom", "mi mami": "my mom", "mi madre": "my mom", "mi papá": "my dad",
    "mi papa": "my dad", "mi papi": "my dad", "mi padre": "my dad", "mis padres": "my parents",
    "mis papás": "my parents", "mi novio": "my boyfriend", "mi novia": "my girlfriend",
    "mi pareja": "my partner", "mi esposo": "my husband", "mi esposa": "my wife", "mi marido": "my husband",
    "mi mujer": "my wife", "mi hermano": "my brother", "mi hermana": "my sister",
    "mi hermanito": "my brother", "mi hermanita": "my sister", "mi tío": "my uncle", "mi tio": "my uncle",
    "mi tía": "my aunt", "mi tia": "my aunt", "mi primo": "my cousin", "mi prima": "my cousin",
    "mi sobrino": "my nephew", "mi sobrina": "my niece", "mi nieto": "my grandson",
    "mi nieta": "my granddaughter", "mi hijo": "my son", "mi hija": "my daughter", "mis hijos": "my kids",
    "mi suegra": "my mother-in-law", "mi suegro": "my father-in-law", "mi cuñado": "my brother-in-law",
    "mi cuñada": "my sister-in-law", "mi amigo": "my friend", "mi amiga": "my friend",
    "mi mejor amiga": "my best friend", "mi mejor amigo": "my best friend", "mi colega": "my colleague",
    "mi compañero de trabajo": "my coworker", "mi compañera de trabajo": "my coworker",
    "compañero de trabajo": "coworker", "compañera de trabajo": "coworker",
    "compañeros de trabajo": "coworkers", "mi compañera de piso": "my roommate",
    "mi compañero de piso": "my roommate", "mi profe": "my teacher", "mi profesora": "my teacher",
    "mi profesor": "my teacher", "mi maestra": "my teacher", "mi maestro": "my teacher",
    "mi vecina": "my neighbor", "mi vecino": "my neighbor", "mi jefe del trabajo": "my boss",
    "abuela": "grandma", "abuelita": "grandma", "abuelo": "grandpa", "abuelito": "grandpa",
    "suegro": "father-in-law", "cuñado": "brother-in-law", "novia": "girlfriend", "novio": "boyfriend",
    "esposa": "wife", "esposo": "husband", "marido": "husband", "hermana": "sister",
    "hermano": "brother", "sobrina": "niece", "sobrino": "nephew", "mamá": "mom", "papá": "dad",
}  # fmt: skip

# Product words: kinds of products, what they are made of or for, colours, scents.
PRODUCTS: dict[str, str] = {
    "bálsamo labial": "lip balm", "balsamo labial": "lip balm", "bálsamo": "balm",
    "crema corporal": "body cream", "loción corporal": "body lotion", "corporal": "body",
    "menta": "mint", "suave": "gentle", "suaves": "gentle", "de lujo": "luxury", "lujo": "luxury", "lujoso": "luxurious",
    "lujosa": "luxurious", "manos secas": "dry hands", "manos": "hands", "mano": "hand",
    "crema de manos": "hand cream", "crema para manos": "hand cream", "pies": "feet",
    "labios secos": "dry lips", "labios": "lips", "uñas": "nails", "sombra de ojos": "eyeshadow",
    "brillo labial": "lip gloss", "brillo de labios": "lip gloss", "cargador": "charger",
    "extensiones de pelo": "hair extensions", "cabello humano": "human hair",
    "pelo natural": "human hair", "sintético": "synthetic", "sintética": "synthetic",
    "secas": "dry", "secos": "dry",
    "crema hidratante": "moisturizer", "hidratante": "moisturizer", "humectante": "moisturizer",
    "crema de noche": "night cream", "sérum facial": "face serum", "serum facial": "face serum",
    "suero facial": "face serum", "sérum": "serum", "serum": "serum",
    "limpiador facial": "gentle cleanser", "limpiador suave": "gentle cleanser",
    "limpiador": "cleanser", "gel limpiador": "cleanser", "tónico exfoliante": "exfoliating toner",
    "tónico": "toner", "tonico": "toner", "protector solar mineral": "mineral sunscreen",
    "protector solar": "sunscreen", "bloqueador solar": "sunscreen", "champú seco": "dry shampoo",
    "champu seco": "dry shampoo", "champú para perros": "dog shampoo",
    "champú para perro": "dog shampoo", "champú": "shampoo", "champu": "shampoo",
    "acondicionador sin aclarado": "leave-in conditioner",
    "acondicionador sin enjuague": "leave-in conditioner", "acondicionador": "conditioner",
    "aceite para el cabello": "hair oil", "aceite para el pelo": "hair oil",
    "aceite capilar": "hair oil", "mascarilla para el cabello": "hair mask",
    "mascarilla para el pelo": "hair mask", "mascarilla capilar": "hair mask",
    "mascarilla facial": "face mask", "mascarilla": "mask",
    "auriculares inalámbricos": "wireless earbuds", "auriculares inalambricos": "wireless earbuds",
    "audífonos inalámbricos": "wireless earbuds", "audifonos inalambricos": "wireless earbuds",
    "auriculares deportivos": "sport earbuds", "audífonos deportivos": "sport earbuds",
    "cascos": "over-ear headphones", "auriculares de diadema": "over-ear headphones",
    "auriculares supraaurales": "on-ear headphones", "auriculares": "headphones",
    "audífonos": "headphones", "audifonos": "headphones",
    "zapatillas para correr": "running shoes", "zapatillas de correr": "running shoes",
    "zapatillas de running": "running shoes", "tenis para correr": "running shoes",
    "zapatos para correr": "running shoes", "zapatillas de trail": "trail running shoe",
    "zapatillas": "shoes", "tenis": "shoes", "zapatos": "shoes",
    "mochila para portátil": "laptop backpack", "mochila para laptop": "laptop backpack",
    "mochila para el portátil": "laptop backpack", "mochila de senderismo": "hiking backpack",
    "mochila de montaña": "hiking backpack", "mochila de viaje": "travel backpack",
    "mochila de hidratación": "hydration pack", "mochila": "backpack", "mochilas": "backpacks",
    "café en grano": "whole bean coffee", "café molido": "ground coffee",
    "cápsulas de espresso": "espresso pods", "cápsulas de café": "espresso pods",
    "café": "coffee", "cafe": "coffee", "té verde": "green tea", "te verde": "green tea",
    "té en hojas": "loose leaf tea", "té a granel": "loose leaf tea",
    "bolsitas de té": "tea bags", "té": "tea", "correa para perro": "dog leash",
    "correa para perros": "dog leash", "correa": "leash", "arnés para perro": "dog harness",
    "arnés": "harness", "arnes": "harness", "cama para perro": "dog bed",
    "cama para perros": "dog bed", "juguete para morder": "chew toy",
    "juguete para perro": "dog toy", "juguete": "toy", "comida para perro": "dry dog food",
    "comida para perros": "dry dog food", "pienso": "dry dog food", "perro": "dog",
    "perros": "dogs", "cachorro": "puppy", "esterilla de yoga": "yoga mat",
    "tapete de yoga": "yoga mat", "colchoneta de yoga": "yoga mat", "esterilla": "mat",
    "bloque de yoga": "yoga block", "rodillo de espuma": "foam roller",
    "bandas de resistencia": "resistance bands", "bandas elásticas": "resistance bands",
    "pesa rusa": "kettlebell", "comba": "jump rope", "cuerda para saltar": "jump rope",
    "cuerda de saltar": "jump rope", "sartén": "skillet", "sarten": "skillet",
    "sartén grill": "grill pan", "plancha para asar": "grill pan", "olla grande": "stock pot",
    "olla": "pot", "cacerola": "saucepan", "cazo": "saucepan", "horno holandés": "dutch oven",
    "lámpara de escritorio": "desk lamp", "lampara de escritorio": "desk lamp",
    "lámpara de mesa": "table lamp", "lámpara de pie": "floor lamp",
    "bombilla inteligente": "smart bulb", "foco inteligente": "smart bulb",
    "tira de luces led": "led strip lights", "tira led": "led strip lights",
    "luz de lectura": "reading light", "lámpara de lectura": "reading light",
    "lámpara": "lamp", "lampara": "lamp", "piel sensible": "sensitive skin",
    "piel muy sensible": "very sensitive skin", "sensible": "sensitive", "sensibles": "sensitive",
    "piel seca": "dry skin", "piel grasa": "oily skin", "piel mixta": "combination skin",
    "piel": "skin", "cara": "face", "rostro": "face", "cabello rizado": "curly hair",
    "pelo rizado": "curly hair", "rizos": "curls", "rizado": "curly", "rizada": "curly",
    "pelo liso": "straight hair", "cabello liso": "straight hair", "cabello fino": "fine hair", "pelo fino": "fine hair",
    "cabello grueso": "thick hair", "cabello teñido": "color-treated hair", "cabello": "hair",
    "pelo": "hair", "sin fragancia": "with no fragrance", "sin perfume": "with no fragrance",
    "sin olor": "fragrance-free", "sin aroma": "fragrance-free", "sin sulfatos": "sulfate-free",
    "impermeable": "waterproof", "a prueba de agua": "waterproof",
    "inalámbrico": "wireless", "inalámbricos": "wireless", "inalambrico": "wireless",
    "cancelación de ruido": "noise cancelling", "cancelacion de ruido": "noise cancelling",
    "orgánico": "organic", "orgánica": "organic", "organico": "organic",
    "descafeinado": "decaf", "ecológico": "eco-friendly", "ecológica": "eco-friendly",
    "regulable": "dimmable", "inducción": "induction compatible",
    "antiadherente": "nonstick", "hierro fundido": "cast iron", "acero inoxidable": "stainless steel",
    "luz cálida": "warm white", "cálida": "warm white", "luz fría": "cool white",
    "blanca fría": "cool white", "blanco frío": "cool white", "luz blanca": "cool white",
    "cocinar": "cooking", "le gusta cocinar": "loves cooking",
    "cuero": "leather", "acero": "steel", "goma": "rubber", "corcho": "cork",
    "para hombre": "men's", "de hombre": "men's", "para mujer": "women's", "de mujer": "women's",
    "unisex": "unisex", "tienda de campaña": "tent", "carpa": "tent", "arena para gatos": "cat litter",
    "gato": "cat", "cafetera de cápsulas": "capsule coffee machine", "cafetera": "coffee machine",
    "perro pequeño": "small dog", "perro grande": "large dog", "tostado oscuro": "dark roast",
    "tueste oscuro": "dark roast", "nailon": "nylon", "algodón": "cotton", "negro": "black", "negra": "black",
    "negros": "black", "negras": "black", "blanco": "white", "blanca": "white", "rojo": "red",
    "roja": "red", "azul": "blue", "azul marino": "navy", "verde": "green", "gris": "grey",
    "rosa": "pink", "rosado": "pink", "morado": "purple", "morada": "purple", "lila": "purple",
    "marrón": "brown", "marron": "brown", "café oscuro": "brown", "plateado": "silver",
    "plata": "silver", "dorado": "gold", "oro rosa": "rose gold", "lavanda": "lavender",
    "coco": "coconut", "cítrico": "citrus", "citrico": "citrus", "eucalipto": "eucalyptus",
    "áloe": "aloe", "aloe vera": "aloe vera", "vitamina c": "vitamin c",
    "ácido hialurónico": "hyaluronic acid", "retinol": "retinol", "labial": "lipstick",
    "pintalabios": "lipstick", "esmalte de uñas": "nail polish", "esmalte": "nail polish",
    "uñas postizas": "press on nails", "rímel": "mascara", "máscara de pestañas": "mascara",
    "delineador": "eyeliner", "base de maquillaje": "foundation", "maquillaje": "makeup",
    "polvos": "powder", "perfume": "perfume", "colonia": "cologne",
    "secador de pelo": "hair dryer", "secador": "hair dryer", "plancha de pelo": "hair straightener",
    "plancha para el pelo": "hair straightener", "rizador": "curling iron",
    "cepillo": "brush", "peine": "comb", "desenredar": "detangling", "desenredante": "detangling",
    "paleta de sombras": "eyeshadow palette", "sombras de ojos": "eyeshadow",
    "paleta": "palette", "hija": "daughter", "hijo": "son", "pestañas postizas": "false eyelashes",
    "pestañas": "eyelashes", "peluca": "wig", "extensiones de cabello": "hair extensions",
    "extensiones": "extensions", "jabón": "soap", "jabon": "soap", "loción": "lotion",
    "locion": "lotion", "crema": "cream", "aceite": "oil", "brocha de maquillaje": "makeup brush",
    "brochas": "brushes", "portátil": "laptop", "computadora": "computer",
    "ordenador": "computer", "teléfono": "phone", "móvil": "phone", "celular": "phone",
    "pastillas de freno": "brake pads", "piezas de coche": "car parts",
    "repuestos de coche": "car parts", "neumáticos": "tires", "coche": "car", "carro": "car",
    "de la india": "india", "india": "india", "colombia": "colombia", "etiopía": "ethiopia",
    "brasil": "brazil", "japón": "japan", "kenia": "kenya", "guatemala": "guatemala",
    "suegra": "mother-in-law", "suegro": "father-in-law", "cuñada": "sister-in-law",
    # Attribute values shoppers say in Spanish (the demo catalogue's and most shops' words).
    "minimalista": "minimalist", "moderno": "modern", "moderna": "modern", "industrial": "industrial",
    "de mediados de siglo": "mid-century", "batería": "battery", "a pilas": "battery",
    "con pilas": "battery", "recargable": "usb", "enchufe": "plug-in", "de enchufe": "plug-in",
    "ajustable": "adjustable",
    "cancelación activa de ruido": "active noise cancelling",
    "con cable": "wired", "de cable": "wired", "acero al carbono": "carbon steel",
    "poliéster reciclado": "recycled polyester",
    "lona encerada": "waxed canvas", "ancho": "wide", "anchas": "wide",
    "perro mediano": "medium dog",
    "raza grande": "large dog", "raza pequeña": "small dog",
    "verde oliva": "olive", "arena": "sand", "beige": "beige",
    # beauty words shoppers used in the conversation sets on the Amazon beauty catalogue
    "rubor": "blush",
    "colorete": "blush",
    "empujador de cutículas": "cuticle pusher",
    "empujador de cuticulas": "cuticle pusher",
    "cutículas": "cuticle",
    "cuticulas": "cuticle",
    "cortaúñas": "nail clipper",
    "lima de uñas": "nail file",
    "torno eléctrico": "electric nail drill",
    "torno de uñas": "electric nail drill",
    "corrector": "concealer",
    "ojeras": "dark circles",
    "exfoliante corporal": "body scrub",
    "exfoliante": "scrub",
    "gorro de satén": "satin bonnet",
    "gorros de satén": "satin bonnets",
    "gorro": "bonnet",
    "gorros": "bonnets",
    "rizador de pestañas": "eyelash curler",
    "rodillo de jade": "jade roller",
    "contorno de ojos": "eye cream",
    "crema de ojos": "eye cream",
    "parches para ojos": "eye patches",
    "parches": "patches",
    "pinzas": "tweezers",
    "brocha": "brush",
    "esponja": "sponge",
    "tinte": "hair color",
    "desodorante": "deodorant",
    "barba": "beard",
    "aceite para barba": "beard oil",
    "maquinilla de afeitar": "razor",
    "kitcito": "kit",
    "cejas": "eyebrows",
    # hair, nails, coffee, lighting and dog words shoppers used in the conversation sets
    "tenaza para rizar": "curling iron",
    "tenacilla": "curling iron",
    "rizador de pelo": "curling iron",
    "pastilla de jabón": "bar soap",
    "pastilla de jabon": "bar soap",
    "callos": "calluses",
    "quitacallos": "callus remover",
    "semipermanente": "gel",
    "molinillo de café": "coffee grinder",
    "molinillos de café": "coffee grinders",
    "molinillo": "grinder",
    "champú en seco": "dry shampoo",
    "champu en seco": "dry shampoo",
    "tostado medio": "medium roast",
    "tueste medio": "medium roast",
    "tostado claro": "light roast",
    "tueste claro": "light roast",
    "colombiano": "colombia",
    "etíope": "ethiopia",
    "regular la intensidad": "dimmable",
    "que tapan toda la oreja": "over-ear",
    "mascarilla de tela": "sheet mask",
    "puntas abiertas": "split ends",
    "pelo seco": "dry hair",
    "cabello seco": "dry hair",
    "diadema": "headband",
    "diademas": "headbands",
    "pinzas de pelo": "hair clips",
    "coletero": "scrunchie",
    "coleteros": "scrunchies",
    "gel de cejas": "brow gel",
    "esmalte semipermanente": "gel polish",
    "lámpara de uñas": "nail lamp",
    "correr": "running", "salir a correr": "running", "para correr": "for running",
    "gimnasio": "gym", "entrenar": "training", "entrenamiento": "training",
    "hacer ejercicio": "exercise", "ejercicio": "exercise", "deporte": "sports",
    "deportes": "sports", "sudor": "sweat", "bicicleta": "bike", "bici": "bike", "cicla": "bike",
    "ciclismo": "cycling", "casco de bicicleta": "bike helmet",
    "casco para bicicleta": "bike helmet", "casco de bici": "bike helmet",
    "casco para bici": "bike helmet", "casco de ciclismo": "bike helmet",
    "casco para la bici": "bike helmet", "casco para la bicicleta": "bike helmet",
    "casco de moto": "motorcycle helmet", "cancelación activa": "active noise cancelling",
    "cancelacion activa": "active noise cancelling",
    "hervidor": "kettle", "hervidor eléctrico": "electric kettle",
    "tetera eléctrica": "electric kettle", "pastor alemán": "large dog",
    "pastor aleman": "large dog", "labrador": "large dog", "chihuahua": "small dog", "aburrido": "bored",
    "resistente": "durable", "indestructible": "tough", "muerde": "chews", "morder": "chew",
    "mordedor": "chew toy", "lámpara de noche": "bedside lamp", "mesita de noche": "nightstand",
    "mesilla": "nightstand", "para leer": "for reading", "leer": "reading",
    "luz calida": "warm white", "luz fria": "cool white", "oscuro": "dark", "oscura": "dark",
    "sin cafeína": "decaf", "sin cafeina": "decaf", "bolsitas": "tea bags",
    "insomnio": "trouble sleeping", "dormir": "sleep", "shampoo en seco": "dry shampoo",
    "cancelación de ruido activa": "active noise cancelling",
    "cancelacion de ruido activa": "active noise cancelling",
    "con cancelación activa": "with active noise cancelling", "molido": "ground",
    "ya molido": "ground", "que ya venga molido": "ground",
    "tenaza para rizar el pelo": "curling iron", "tenaza para rizar el cabello": "curling iron",
    "tenacillas": "curling iron", "rizadora": "curling iron",
    "plancha para el cabello": "hair straightener", "plancha alisadora": "hair straightener",
    "alisadora": "hair straightener", "secadora de pelo": "hair dryer", "mascarillas de tela": "sheet mask",
    "de esas de tela": "sheet", "tono": "shade", "cepillito": "brush",
    "gel para cejas": "brow gel",
    "que no huela a nada": "fragrance-free", "q no huela a nada": "fragrance-free",
    "no huela a nada": "fragrance-free", "que no huela": "fragrance-free", "fino": "fine",
    "fina": "fine", "re fino": "fine", "se me engrasa": "gets greasy",
    "se engrasa": "gets greasy", "grasoso": "oily", "grasosa": "oily",
    # Everyday words of both catalogues (the demo's types and attribute values, the Amazon beauty
    # catalogue's commonest kinds), with the variants of Spain, Mexico, Argentina and Colombia.
    # free of ... ("sin sulfatos"; "que no tenga sulfatos" and "nada de parabenos" are read as
    # "sin ..." by to_english)
    "sin sulfato": "sulfate-free", "sin parabeno": "paraben-free",
    "sin siliconas": "silicone-free", "sin silicona": "silicone-free", "sin alcohol": "alcohol-free",
    "sin gluten": "gluten-free", "sin granos": "grain-free", "sin cereales": "grain-free",
    "libre de granos": "grain-free", "sin crueldad": "cruelty-free", "sin fragancias": "with no fragrance",
    "sin perfumes": "with no fragrance", "sin aromas": "fragrance-free", "sin pvc": "pvc-free",
    "sin aceite": "oil-free", "sin cables": "wireless", "sin cable": "wireless",
    "no testado en animales": "cruelty-free", "vegano": "vegan", "vegana": "vegan",
    "hipoalergénico": "hypoallergenic", "hipoalergenico": "hypoallergenic", "hipoalergénica": "hypoallergenic",
    "sulfatos": "sulfates", "parabenos": "parabens", "siliconas": "silicones", "fragancia": "fragrance",
    # lighting
    "tira de luces": "led strip lights", "tira de led": "led strip lights",
    "tiras de luces": "led strip lights", "cinta led": "led strip lights", "cinta de luces": "led strip lights",
    "luces led": "led strip lights", "luces de colores": "rgb lights", "luces": "lights", "luz": "light",
    "flexo": "desk lamp", "lámpara de techo": "ceiling lamp", "lampara de pie": "floor lamp", "lámpara de piso": "floor lamp", "lámpara de mesita": "table lamp",
    "bombilla": "bulb", "bombillo inteligente": "smart bulb", "bombillo": "bulb",
    "ampolleta": "bulb", "luz amarilla": "warm white",
    "de pilas": "battery", "a batería": "battery", "con batería": "battery", "de batería": "battery",
    "pilas": "batteries", "enchufable": "plug-in", "a la corriente": "plug-in", "de corriente": "plug-in",
    "que se enchufe": "plug-in", "con usb": "usb", "por usb": "usb", "regulable en intensidad": "dimmable",
    # coffee and tea
    "café frío": "cold brew", "cafe frio": "cold brew", "concentrado de café": "cold brew concentrate",
    "cápsulas de nespresso": "espresso pods", "té suelto": "loose leaf tea", "té de hojas sueltas": "loose leaf tea",
    "té negro": "black tea", "té chai": "chai tea", "infusión": "herbal tea", "infusiones": "herbal tea",
    "tisana": "herbal tea", "manzanilla": "chamomile", "caramelo": "caramel", "chocolate": "chocolate",
    "afrutado": "fruity", "afrutada": "fruity", "frutal": "fruity", "floral": "floral", "a nuez": "nutty",
    "a nueces": "nutty", "malteado": "malty", "herbáceo": "grassy", "tostado": "roast", "tueste": "roast",
    # dogs
    "croquetas": "dry dog food", "croquetas para perro": "dry dog food", "alimento para perro": "dry dog food",
    "alimento para perros": "dry dog food", "comida seca": "dry dog food", "concentrado para perro": "dry dog food",
    "concentrado para perros": "dry dog food", "pollo y arroz": "chicken & rice", "salmón": "salmon",
    "salmon": "salmon", "batata": "sweet potato", "camote": "sweet potato", "boniato": "sweet potato",
    "pechera": "harness", "mordedera": "chew toy", "cucha": "dog bed", "camita": "bed", "cama": "bed",
    "collar": "collar", "raza mediana": "medium dog",
    # fitness and running
    "mat de yoga": "yoga mat", "colchoneta": "mat", "ladrillo de yoga": "yoga block", "taco de yoga": "yoga block",
    "ligas de resistencia": "resistance bands", "ligas de ejercicio": "resistance bands",
    "bandas": "bands", "soga para saltar": "jump rope", "lazo para saltar": "jump rope",
    "zapatillas de montaña": "trail running shoe", "tenis de trail": "trail running shoe",
    "zapatillas de competición": "racing flat", "zapatillas de asfalto": "road running shoe",
    "zapatillas de estabilidad": "stability running shoe", "zapatillas deportivas": "shoes",
    "deportivas": "shoes", "horma ancha": "wide",
    # backpacks, cookware, materials
    "morral": "backpack", "mochila de trekking": "hiking backpack", "mochila pequeña": "daypack",
    "mochila de día": "daypack", "lona": "canvas", "poliéster": "polyester", "poliester": "polyester",
    "cocotte": "dutch oven", "hierro fundido esmaltado": "enameled cast iron", "esmaltado": "enameled",
    "cerámica antiadherente": "nonstick ceramic", "cerámica": "ceramic", "ceramica": "ceramic",
    "bambú": "bamboo", "bambu": "bamboo", "algodón orgánico": "organic cotton",
    "espuma viscoelástica": "memory foam", "viscoelástica": "memory foam", "viscoelastica": "memory foam",
    "espuma eva": "eva foam", "malla": "mesh", "piel sintética": "faux fur",
    "caucho natural": "natural rubber", "caucho": "rubber", "hule": "rubber", "cable de acero": "steel cable",
    "vinilo": "vinyl",
    # who it is for, sizes, colours, scents
    "para caballero": "men's", "de caballero": "men's", "para dama": "women's", "de dama": "women's",
    "para niños": "kids", "para niñas": "kids", "infantil": "kids", "pequeño": "small", "pequeña": "small",
    "chiquito": "small", "chiquita": "small", "mediano": "medium", "mediana": "medium", "grande": "large",
    "tamaño de viaje": "travel size", "dorada": "gold", "plateada": "silver", "rosada": "pink",
    "turquesa": "teal", "verde azulado": "teal", "celeste": "blue", "naranja": "orange",
    "amarillo": "yellow", "amarilla": "yellow", "transparente": "clear", "beis": "beige",
    "vainilla": "vanilla", "fresa": "strawberry", "frutilla": "strawberry", "avena": "oatmeal",
    "limón": "lemon", "limon": "lemon", "olor a rosas": "rose", "a rosas": "rose",
    # skin care
    "desmaquillante": "makeup remover", "desmaquillador": "makeup remover",
    "toallitas desmaquillantes": "makeup remover wipes", "agua micelar": "micellar water",
    "discos de algodón": "cotton pads", "jabón facial": "face wash", "gel de limpieza": "cleanser",
    "espuma limpiadora": "foaming cleanser", "mascarilla de hoja": "sheet mask", "crema facial": "face cream",
    "bloqueador": "sunscreen", "filtro solar": "sunscreen", "protector solar facial": "sunscreen",
    "niacinamida": "niacinamide", "ceramidas": "ceramides", "colágeno": "collagen", "colageno": "collagen",
    "ácido salicílico": "salicylic acid", "acné": "acne", "acne": "acne", "espinillas": "blackheads",
    "puntos negros": "blackheads", "manchas": "dark spots", "arrugas": "wrinkles", "antiarrugas": "anti-aging",
    "antiedad": "anti-aging", "piel normal": "normal skin", "todo tipo de piel": "all skin types",
    # hair care and hair tools
    "cepillo para el pelo": "hair brush", "cepillo para el cabello": "hair brush", "cepillo de pelo": "hair brush",
    "cepillo de cabello": "hair brush", "cepillo para pelo": "hair brush", "cepillo alisador": "straightening brush",
    "cepillo secador": "hot air brush", "secadora de cabello": "hair dryer", "secador de cabello": "hair dryer",
    "plancha de cabello": "hair straightener", "plancha para cabello": "hair straightener",
    "planchita": "hair straightener", "planchita de pelo": "hair straightener", "buclera": "curling iron",
    "rulos sin calor": "heatless curlers", "rizadores sin calor": "heatless curlers",
    "rizos sin calor": "heatless curls", "rulos": "curlers", "ruleros": "rollers", "peineta": "comb",
    "pinza de pelo": "hair clip", "pinza para el pelo": "claw clip", "pinzas para el pelo": "claw clip",
    "pinza de garra": "claw clip", "pinzas de garra": "claw clip", "pinza tiburón": "claw clip",
    "pinzas tiburón": "claw clip", "gancho para el pelo": "hair clip", "ganchos para el pelo": "hair clips",
    "horquillas": "bobby pins", "donas para el pelo": "scrunchies", "dona para el pelo": "scrunchie",
    "donas para el cabello": "scrunchies", "colitas para el pelo": "hair ties", "gomitas para el pelo": "hair ties",
    "ligas para el pelo": "hair ties", "ligas para el cabello": "hair ties", "gomas de pelo": "hair ties",
    "vincha": "headband", "vinchas": "headbands", "balaca": "headband", "balacas": "headbands",
    "cintillo": "headband", "gorro de seda": "silk bonnet", "tinte para el pelo": "hair color",
    "tinte para el cabello": "hair color", "tinte de pelo": "hair color", "laca para el pelo": "hair spray",
    "spray para el pelo": "hair spray", "gel para el pelo": "hair gel", "gel para el cabello": "hair gel",
    "cera para el pelo": "hair wax", "pomada para el pelo": "pomade", "espuma para el pelo": "hair mousse",
    "protector térmico": "heat protectant", "protector de calor": "heat protectant",
    "aceite de argán": "argan oil", "aceite de argan": "argan oil", "aceite de coco": "coconut oil",
    "aceite de ricino": "castor oil", "champú sólido": "shampoo bar", "anticaspa": "anti-dandruff",
    "caspa": "dandruff", "caída del cabello": "hair loss", "caída del pelo": "hair loss",
    "crecimiento del cabello": "hair growth", "pelo encrespado": "frizzy hair", "encrespado": "frizzy",
    "pelo dañado": "damaged hair", "cabello dañado": "damaged hair", "pelo maltratado": "damaged hair",
    "pelo teñido": "color-treated hair", "pelo grueso": "thick hair", "pelo ondulado": "wavy hair",
    "cabello ondulado": "wavy hair", "pelo crespo": "curly hair", "cabello crespo": "curly hair",
    "crespo": "curly", "crespa": "curly",
    # nails
    "pintaúñas": "nail polish", "pintauñas": "nail polish", "barniz de uñas": "nail polish",
    "laca de uñas": "nail polish", "quitaesmalte": "nail polish remover", "removedor de esmalte": "nail polish remover",
    "acetona": "nail polish remover", "uñas acrílicas": "acrylic nails", "uñas de gel": "gel nails",
    "uñas falsas": "press on nails", "uñas press on": "press on nails", "puntas de uñas": "nail tips",
    "pulidora de uñas": "nail drill", "taladro de uñas": "nail drill", "lima eléctrica": "nail drill",
    "aceite de cutículas": "cuticle oil", "aceite para cutículas": "cuticle oil",
    "cortacutículas": "cuticle nipper", "alicate de cutículas": "cuticle nipper",
    "corta uñas": "nail clipper", "lámpara uv": "uv lamp", "lámpara led para uñas": "nail lamp",
    "calcomanías de uñas": "nail stickers", "stickers de uñas": "nail stickers", "pegatinas de uñas": "nail stickers",
    "decoración de uñas": "nail art", "arte de uñas": "nail art", "brillantina": "glitter",
    "purpurina": "glitter", "escarcha": "glitter", "pedrería": "rhinestones", "piedritas": "rhinestones",
    # makeup
    "base líquida": "liquid foundation", "polvo compacto": "pressed powder", "iluminador": "highlighter",
    "polvos bronceadores": "bronzer", "contorno": "contour", "sombras": "eyeshadow", "delineador de ojos": "eyeliner",
    "delineador de labios": "lip liner", "perfilador de labios": "lip liner", "lápiz de ojos": "eyeliner",
    "lápiz de labios": "lipstick", "barra de labios": "lipstick", "protector labial": "lip balm",
    "cacao de labios": "lip balm", "rimel": "mascara", "pestañina": "mascara", "pestañas falsas": "false eyelashes",
    "pegamento de pestañas": "lash glue", "encrespador de pestañas": "eyelash curler",
    "enchinador de pestañas": "eyelash curler", "arqueador de pestañas": "eyelash curler",
    "rizapestañas": "eyelash curler", "sérum de pestañas": "lash serum", "lápiz de cejas": "eyebrow pencil",
    "brochas de maquillaje": "makeup brushes", "pinceles de maquillaje": "makeup brushes",
    "esponja de maquillaje": "makeup sponge", "prebase": "primer", "fijador de maquillaje": "setting spray",
    "spray fijador": "setting spray", "neceser": "makeup bag", "cosmetiquera": "makeup bag",
    "bolsa de maquillaje": "makeup bag", "espejo de maquillaje": "makeup mirror", "espejo": "mirror",
    # body, bath, shaving, teeth
    "gel de ducha": "body wash", "gel de baño": "body wash", "jabón corporal": "body wash",
    "jabón líquido": "liquid soap", "crema para el cuerpo": "body lotion", "crema para pies": "foot cream",
    "crema de pies": "foot cream", "sales de baño": "bath salts", "bomba de baño": "bath bomb",
    "aceite esencial": "essential oil", "difusor": "diffuser", "vela aromática": "scented candle",
    "vela": "candle", "antitranspirante": "antiperspirant", "agua de colonia": "cologne",
    "bruma corporal": "body mist", "crema depilatoria": "hair removal cream", "cera depilatoria": "wax",
    "depiladora": "epilator", "pinzas para depilar": "tweezers", "pinzas de depilar": "tweezers",
    "pinza de depilar": "tweezers", "pinzas para cejas": "tweezers", "pinza de cejas": "tweezers",
    "rasuradora": "razor", "máquina de afeitar": "shaver",
    "afeitadora": "shaver", "cuchillas de afeitar": "razor blades", "recortadora": "trimmer",
    "cortadora de pelo": "hair clipper", "aceite de barba": "beard oil", "bálsamo para barba": "beard balm",
    "espuma de afeitar": "shaving cream", "crema de afeitar": "shaving cream",
    "cepillo de dientes eléctrico": "electric toothbrush", "cepillo de dientes": "toothbrush",
    "cepillo dental": "toothbrush", "pasta de dientes": "toothpaste", "pasta dental": "toothpaste",
    "crema dental": "toothpaste", "hilo dental": "floss", "enjuague bucal": "mouthwash",
    "blanqueamiento dental": "teeth whitening", "blanqueador dental": "teeth whitening",
    "masajeador": "massager", "cepillo facial": "facial brush",
}  # fmt: skip

_NUMBER_WORDS = (
    r"cero|uno|una|dos|tres|cuatro|cinco|seis|siete|ocho|nueve|diez|once|doce|trece|catorce|"
    r"quince|dieciséis|dieciseis|diecisiete|dieciocho|diecinueve|veinte|veintiuno|veintidós|"
    r"veintidos|veintitrés|veintitres|veinticuatro|veinticinco|veintiséis|veintisiete|"
    r"veintiocho|veintinueve|treinta|cuarenta|cincuenta|sesenta|setenta|ochenta|noventa|cien|"
    r"ciento|doscientos|trescientos|cuatrocientos|quinientos|mil"
)
_WORDED = re.compile(rf"\b(?:{_NUMBER_WORDS})(?:\s+(?:y\s+)?(?:{_NUMBER_WORDS}))*\b")
_PRICE_NEAR = re.compile(
    r"(?:menos de|más de|mas de|hasta|máximo|entre|y|unos|unas|alrededor de|no más de|"
    r"presupuesto de|por)\s*$"
)
_CURRENCY_AFTER = re.compile(r"^\s*(?:dólares|dolares|euros|pesos|libras esterlinas|€|\$)")
_RANGE_TO_PRICE = re.compile(
    r"^\s*(?:a|y|-|o)\s*\d+\s*(?:dólares|dolares|euros|pesos|libras esterlinas|€|\$)"
)


def _plural(word: str) -> str:
    if word.endswith(("s", "x")):
        return word
    if word.endswith("z"):
        return word[:-1] + "ces"
    return word + ("s" if word[-1] in "aeiouáéó" else "es")


def _with_plurals(table: dict[str, str]) -> dict[str, str]:
    """ "bloque de yoga" also as "bloques de yoga", "crema hidratante" as "cremas hidratantes":
    words are inflected up to the first preposition."""
    out = dict(table)
    for phrase, english in table.items():
        words, inflected, inflect = phrase.split(), [], True
        for word in words:
            if word in ("de", "para", "con", "sin", "a", "del", "al"):
                inflect = False
            inflected.append(_plural(word) if inflect else word)
        out.setdefault(" ".join(inflected), english)
        out.setdefault(" ".join([_plural(words[0]), *words[1:]]), english)
    return out


@cache
def _replacer() -> tuple[re.Pattern[str], dict[str, str]]:
    table = {**_with_plurals(PRODUCTS), **_STRUCTURE}
    # Structure phrases that contain product words ("el más barato") must win over shorter ones.
    phrases = sorted(table, key=len, reverse=True)
    pattern = re.compile(
        r"(?<![\wáéíóúñü])(?:" + "|".join(re.escape(p) for p in phrases) + r")(?![\wáéíóúñü])"
    )
    return pattern, table


# Text-speak and the commonest spellings by ear, read as the words they stand for.
_TEXT_SPEAK = {
    "q": "que", "k": "que", "ke": "que", "d": "de", "pa": "para", "xq": "porque",
    "pq": "porque", "porq": "porque", "tb": "también", "tmb": "también", "tambien": "también",
    "kiero": "quiero", "qiero": "quiero", "xfa": "por favor", "porfa": "por favor",
    "plis": "por favor", "ola": "hola", "bn": "bien", "mui": "muy", "tmbn": "también",
    "sapatillas": "zapatillas", "sepillo": "cepillo", "zapatilla": "zapatillas", "kilos": "kilos", "x": "por",
}  # fmt: skip
_TEXT_SPEAK_WORD = re.compile(
    r"(?<![\wáéíóúñü])("
    + "|".join(sorted(map(re.escape, _TEXT_SPEAK), key=len, reverse=True))
    + r")(?![\wáéíóúñü])"
)


# A negation before what a product is free of ("que no tenga sulfatos", "nada de parabenos").
_FREE_OF = (
    r"sulfatos?|parabenos?|siliconas?|alcohol|gluten|granos|cereales|crueldad|fragancias?|"
    r"perfumes?|aromas?|olor|cafeína|cafeina|pvc|aceite"
)
_FREE_OF_AFTER_NEGATION = re.compile(
    r"\b(?:que\s+)?(?:no\s+(?:tenga|tengan|lleve|lleven|contenga|contengan|traiga|traigan|incluya|"
    r"incluyan)|nada\s+de|libres?\s+de|cero)\s+(?:(?:el|la|los|las|ningún|ninguna|nada\s+de)\s+)?"
    rf"({_FREE_OF})\b"
)
_FREE_OF_JOINED = re.compile(
    rf"\b(sin\s+(?:{_FREE_OF}),?\s+(?:ni|o|y|e)\s+(?:tampoco\s+)?(?:de\s+)?)({_FREE_OF})\b"
)
# Whoever a gift is for, after "de" or "a" ("el cumple de mi abuela", "algo a mi suegra").
_FOR_SOMEONE = re.compile(
    r"\b(?:a|de)\s+(mi|mis)\s+(?=(?:abuel|mamá|mama|mami|madre|papá|papa|papi|padres|novi|pareja|"
    r"espos|marido|mujer|herman|tí[oa]|tio|tia|prim[oa]|sobrin|niet|hij|suegr|cuñad|amig|mejor amig|"
    r"colega|compañer|profe|maestr|vecin|jef|viej)[a-záéíóúñ]*\b)"
)


def to_english(text: str) -> str:
    low = text.casefold().replace("¿", " ").replace("¡", " ")
    low = _TEXT_SPEAK_WORD.sub(lambda m: _TEXT_SPEAK[m.group(0)], low)
    low = re.sub(r"\bun[oa]s(?=\s+\$?\d)", "around", low)  # "unos 30 dólares", not "unas botas"
    # "champú para perro" is a dog shampoo, "cama para gato" a cat bed
    low = re.sub(
        r"\b(champú|champu|shampoo|cama|juguete|correa|arnés|arnes|collar|comida|pienso|cepillo)"
        r" para (?:mi |el |la |los |las )?(perr[oa]s?|gat[oa]s?|cachorr[oa]s?)\b",
        r"\2 \1",
        low,
    )
    low = re.sub(r"\bhacerle un regalo a\b", "a gift for", low)
    if re.search(r"\b(?:on|over)[- ]?ear\b", low):  # "de diadema, on-ear": the kind said outright
        low = re.sub(r"\bde diadema\b", " ", low)
    # "que no tenga sulfatos", "nada de parabenos", "libre de siliconas": all read as "sin ..."
    # (a free-of value), and so is each word joined to it ("sin sulfatos ni parabenos").
    low = _FREE_OF_AFTER_NEGATION.sub(r"sin \1", low)
    for _ in range(3):
        low = _FREE_OF_JOINED.sub(r"\1 sin \2", low)
    # "el cumple de mi abuela", "algo a mi suegra": a gift for whoever that is
    low = _FOR_SOMEONE.sub(r"para \1 ", low)
    # "olvídate de lo de piel sensible", "mejor olvida la marca": that constraint is dropped
    # (the words after it are read as the English "forget the …" once translated).
    low = re.sub(
        r"\b(?:olvida(?:te)?|olvídate|olvidá|olvidate|ignora)\s+"
        r"(?:de\s+)?(?:lo\s+de\s+)?(?:(?:el|la|los|las)\s+)?(?=[a-záéíóúñ])(?!lo\b|eso\b|esto\b)",
        "forget the ",
        low,
    )
    # "si es impermeable, mejor" / "si es de cuero, mucho mejor": hoped for, not required
    low = re.sub(
        r"\bsi (?:es|son|tiene|trae|lleva|viene) ([^,.;!?]+?),? (?:mucho )?(?:mejor|genial|"
        r"perfecto|ideal)\b",
        r"ideally \1",
        low,
    )
    low = _numbers(low)
    # "de 10 a 20 dólares": a range, as "from 10 to 20" (not "of 10", which names a size)
    low = re.sub(
        r"\bde\s+(\$?\d+)\s+a\s+(\$?\d+\s*(?:dólares|dolares|euros|pesos|€|\$))",
        r"from \1 to \2",
        low,
    )
    # "el de cuero" -> "the leather one" once the words are English.
    low = re.sub(r"\b(?:el|la)\s+de\s+([a-záéíóúñ]+)\b", r"the \1 one", low)
    pattern, table = _replacer()
    english = pattern.sub(lambda m: f" {table[m.group(0)]} ", low)
    # Spanish articles and small words with no English counterpart needed.
    english = re.sub(
        r"\b(?:el|la|los|las|un|una|unos|unas|al|del|lo|le|les|me|mi|mis|se|es|"
        r"son|está|están|que|algo|algún|alguna|muy|más|tan|él|ella|uy|ay|oye|pues|bueno|"
        r"espera|m{3,}h?|eh|ah|jeje|jiji)\b",  # "mmm", never the "mm" of 4 mm
        " ",
        english,
    )
    english = re.sub(
        r"\bfor(?:\s+for)+\b", "for", english
    )  # "regalarle a mi ..." -> "a gift for for"
    return re.sub(r"\s+", " ", english).strip()


def _numbers(text: str) -> str:
    def priced(before: str, said: str, after: str) -> bool:
        return bool(
            _PRICE_NEAR.search(before)
            or _CURRENCY_AFTER.match(after)
            or _RANGE_TO_PRICE.match(after)  # "de diez a 20 dólares": the range's first end
        )

    # ("entre diez y veinte": two numbers; "treinta y cinco": one)
    return digits_for_words(text, _WORDED, priced, partial(parse_number, language="es"), "y")
