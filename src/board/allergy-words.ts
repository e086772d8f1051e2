/**
 * Words in a customer's note that speak of an allergy or intolerance. A note such as "No nuts
 * please — severe allergy!" must stand out on a ticket like the allergen band does; "please
 * slice the loaf" must not. Whole words only, any case, English and the common spellings.
 */
const ALLERGY_WORDS = [
  "allerg(?:y|ies|ic|en|ens)",
  "anaphyla(?:xis|ctic)",
  "intoleran(?:t|ce|ces)",
  "epipen",
  "(?:pea|tree[ -]?|hazel|wal|cashew |pine |brazil )?nuts?",
  "almonds?",
  "pecans?",
  "pistachios?",
  "gluten(?:-free)?",
  "wheat",
  "coeliac",
  "celiac",
  "dairy(?:-free)?",
  "lactose",
  "milk",
  "eggs?",
  "sesame",
  "soy",
  "soya",
  "shellfish",
  "crustaceans?",
  "molluscs?",
  "fish",
  "mustard",
  "celery",
  "lupin",
  "sulph?ites?",
  "sulfites?",
];

const pattern = new RegExp(`(?<![\\p{L}])(?:${ALLERGY_WORDS.join("|")})(?![\\p{L}])`, "giu");

/** The allergy words a note contains, lower-cased, each once, in the order they appear. */
export function allergyWordsIn(note: string): string[] {
  const found = (note.match(pattern) ?? []).map((w) => w.toLowerCase());
  return [...new Set(found)];
}
