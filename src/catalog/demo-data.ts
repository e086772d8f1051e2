import type { Allergen } from "./allergens.ts";

/** The demo bakery: seeded into an empty database outside production. */
export interface DemoCategory {
  slug: string;
  name: string;
  description: string;
}

export interface DemoProduct {
  slug: string;
  category: string;
  name: string;
  description: string;
  priceCents: number;
  stock: number;
  allergens: Allergen[];
  /** As on the label; left out where the demo has none. */
  ingredients?: string;
}

export const demoCategories: DemoCategory[] = [
  {
    slug: "breads",
    name: "Breads",
    description: "Sourdough, rye and everyday loaves, baked before dawn.",
  },
  {
    slug: "viennoiserie",
    name: "Viennoiserie",
    description: "Laminated, buttery and flaky: croissants and friends.",
  },
  { slug: "cakes", name: "Cakes", description: "Whole cakes and generous slices for the table." },
  {
    slug: "tarts",
    name: "Tarts",
    description: "Shortcrust filled with fruit, custard or chocolate.",
  },
  {
    slug: "cookies",
    name: "Cookies",
    description: "Biscuits and small bakes for the bag or the coffee.",
  },
  {
    slug: "drinks",
    name: "Drinks",
    description: "Coffee, tea and cold drinks to go with your bake.",
  },
];

export const demoProducts: DemoProduct[] = [
  // Breads
  {
    slug: "country-sourdough",
    category: "breads",
    name: "Country Sourdough",
    description:
      "A 36-hour naturally leavened loaf with a blistered dark crust and an open, tangy crumb. 900 g.",
    priceCents: 650,
    stock: 24,
    allergens: ["gluten"],
    ingredients: "Wheat flour (gluten), water, wholemeal rye flour (gluten), sea salt.",
  },
  {
    slug: "seeded-rye",
    category: "breads",
    name: "Seeded Rye",
    description:
      "Dense Nordic-style rye packed with sunflower, flax and sesame seeds. Keeps for a week.",
    priceCents: 720,
    stock: 16,
    allergens: ["gluten", "sesame"],
    ingredients:
      "Wholemeal rye flour (gluten), water, sunflower seeds, linseed, sesame seeds, rye sourdough (gluten), sea salt.",
  },
  {
    slug: "baguette-tradition",
    category: "breads",
    name: "Baguette Tradition",
    description:
      "Slow-fermented French baguette, crackling crust and creamy crumb. Best eaten today.",
    priceCents: 280,
    stock: 60,
    allergens: ["gluten"],
  },
  {
    slug: "brioche-loaf",
    category: "breads",
    name: "Brioche Loaf",
    description: "Rich, golden and pillow-soft, made with butter and free-range eggs.",
    priceCents: 590,
    stock: 12,
    allergens: ["gluten", "eggs", "milk"],
  },
  {
    slug: "walnut-spelt-loaf",
    category: "breads",
    name: "Walnut & Spelt Loaf",
    description: "Wholegrain spelt with toasted walnuts and a touch of honey.",
    priceCents: 680,
    stock: 10,
    allergens: ["gluten", "nuts"],
  },
  // Viennoiserie
  {
    slug: "butter-croissant",
    category: "viennoiserie",
    name: "Butter Croissant",
    description:
      "Twenty-seven layers of French butter and dough, shattering on the outside and honeycombed within.",
    priceCents: 240,
    stock: 48,
    allergens: ["gluten", "milk", "eggs"],
    ingredients:
      "Wheat flour (gluten), butter (milk), water, sugar, free-range egg wash (eggs), yeast, sea salt.",
  },
  {
    slug: "pain-au-chocolat",
    category: "viennoiserie",
    name: "Pain au Chocolat",
    description: "Croissant dough wrapped around two batons of dark chocolate.",
    priceCents: 270,
    stock: 40,
    allergens: ["gluten", "milk", "eggs", "soybeans"],
  },
  {
    slug: "almond-croissant",
    category: "viennoiserie",
    name: "Almond Croissant",
    description: "Twice-baked croissant filled with frangipane and topped with flaked almonds.",
    priceCents: 340,
    stock: 20,
    allergens: ["gluten", "milk", "eggs", "nuts"],
  },
  {
    slug: "cinnamon-bun",
    category: "viennoiserie",
    name: "Cinnamon Bun",
    description: "Cardamom-scented dough knotted with cinnamon butter and pearl sugar.",
    priceCents: 320,
    stock: 30,
    allergens: ["gluten", "milk", "eggs"],
  },
  {
    slug: "pain-aux-raisins",
    category: "viennoiserie",
    name: "Pain aux Raisins",
    description: "A spiral of croissant dough, vanilla custard and rum-soaked raisins.",
    priceCents: 300,
    stock: 18,
    allergens: ["gluten", "milk", "eggs", "sulphites"],
  },
  // Cakes
  {
    slug: "carrot-cake-slice",
    category: "cakes",
    name: "Carrot Cake Slice",
    description: "Spiced carrot sponge with walnuts and a thick cream-cheese frosting.",
    priceCents: 420,
    stock: 14,
    allergens: ["gluten", "eggs", "milk", "nuts"],
  },
  {
    slug: "lemon-drizzle-cake",
    category: "cakes",
    name: "Lemon Drizzle Cake",
    description: "A whole loaf cake soaked in lemon syrup under a crackly sugar glaze.",
    priceCents: 1450,
    stock: 6,
    allergens: ["gluten", "eggs", "milk"],
  },
  {
    slug: "chocolate-fudge-cake",
    category: "cakes",
    name: "Chocolate Fudge Cake",
    description: "Three layers of dark chocolate sponge with ganache. Serves eight to ten.",
    priceCents: 2800,
    stock: 4,
    allergens: ["gluten", "eggs", "milk", "soybeans"],
  },
  {
    slug: "victoria-sponge",
    category: "cakes",
    name: "Victoria Sponge",
    description: "Classic butter sponge sandwiched with raspberry jam and vanilla cream.",
    priceCents: 2200,
    stock: 5,
    allergens: ["gluten", "eggs", "milk"],
  },
  {
    slug: "basque-cheesecake",
    category: "cakes",
    name: "Basque Cheesecake",
    description: "Burnt-top, custard-soft cheesecake. Naturally gluten free.",
    priceCents: 2600,
    stock: 3,
    allergens: ["eggs", "milk"],
  },
  // Tarts
  {
    slug: "apple-tart",
    category: "tarts",
    name: "Apple Tart",
    description:
      "Thin slices of apple fanned over frangipane in a crisp shortcrust, glazed with apricot.",
    priceCents: 1800,
    stock: 6,
    allergens: ["gluten", "eggs", "milk", "nuts"],
  },
  {
    slug: "lemon-meringue-tart",
    category: "tarts",
    name: "Lemon Meringue Tart",
    description: "Sharp lemon curd under a cloud of torched Italian meringue.",
    priceCents: 450,
    stock: 12,
    allergens: ["gluten", "eggs", "milk"],
  },
  {
    slug: "chocolate-tart",
    category: "tarts",
    name: "Dark Chocolate Tart",
    description: "Silky 70% chocolate ganache in a cocoa pastry case with a pinch of sea salt.",
    priceCents: 480,
    stock: 12,
    allergens: ["gluten", "eggs", "milk", "soybeans"],
  },
  {
    slug: "strawberry-tart",
    category: "tarts",
    name: "Strawberry Tart",
    description: "Vanilla crème pâtissière topped with fresh strawberries.",
    priceCents: 520,
    stock: 10,
    allergens: ["gluten", "eggs", "milk"],
  },
  {
    slug: "pecan-pie-slice",
    category: "tarts",
    name: "Pecan Pie Slice",
    description: "Toasted pecans in a dark caramel custard, all-butter pastry.",
    priceCents: 460,
    stock: 8,
    allergens: ["gluten", "eggs", "milk", "nuts"],
  },
  // Cookies
  {
    slug: "chocolate-chip-cookie",
    category: "cookies",
    name: "Chocolate Chip Cookie",
    description:
      "Brown-butter dough, chopped dark chocolate and flaky salt. Chewy middle, crisp edge.",
    priceCents: 220,
    stock: 50,
    allergens: ["gluten", "eggs", "milk", "soybeans"],
  },
  {
    slug: "oat-raisin-cookie",
    category: "cookies",
    name: "Oat & Raisin Cookie",
    description: "Rolled oats, plump raisins and a hint of cinnamon.",
    priceCents: 200,
    stock: 36,
    allergens: ["gluten", "eggs", "milk"],
  },
  {
    slug: "peanut-butter-cookie",
    category: "cookies",
    name: "Peanut Butter Cookie",
    description: "Crumbly, salty-sweet and criss-crossed with a fork.",
    priceCents: 220,
    stock: 30,
    allergens: ["gluten", "eggs", "milk", "peanuts"],
  },
  {
    slug: "shortbread-fingers",
    category: "cookies",
    name: "Shortbread Fingers",
    description: "Scottish-style butter shortbread, four to a bag.",
    priceCents: 350,
    stock: 25,
    allergens: ["gluten", "milk"],
  },
  {
    slug: "sesame-tahini-cookie",
    category: "cookies",
    name: "Sesame Tahini Cookie",
    description: "Nutty tahini cookie rolled in toasted sesame seeds.",
    priceCents: 240,
    stock: 20,
    allergens: ["gluten", "sesame", "eggs"],
  },
  // Drinks
  {
    slug: "flat-white",
    category: "drinks",
    name: "Flat White",
    description: "Double ristretto with silky steamed milk. Oat milk on request.",
    priceCents: 340,
    stock: 99,
    allergens: ["milk"],
  },
  {
    slug: "filter-coffee",
    category: "drinks",
    name: "Filter Coffee",
    description: "Single-origin batch brew, changing weekly.",
    priceCents: 260,
    stock: 99,
    allergens: [],
  },
  {
    slug: "hot-chocolate",
    category: "drinks",
    name: "Hot Chocolate",
    description: "Melted dark chocolate whisked into whole milk.",
    priceCents: 380,
    stock: 60,
    allergens: ["milk", "soybeans"],
  },
  {
    slug: "english-breakfast-tea",
    category: "drinks",
    name: "English Breakfast Tea",
    description: "A strong Assam blend, served with milk on the side.",
    priceCents: 240,
    stock: 80,
    allergens: [],
  },
  {
    slug: "fresh-orange-juice",
    category: "drinks",
    name: "Fresh Orange Juice",
    description: "Pressed to order from whole oranges. 330 ml.",
    priceCents: 390,
    stock: 24,
    allergens: [],
  },
];

/** Whole cakes: made to order, with two days' notice. */
const wholeCakes = new Set([
  "lemon-drizzle-cake",
  "chocolate-fudge-cake",
  "victoria-sponge",
  "basque-cheesecake",
]);

/** The usual week of a bakery, Monday first: busier Friday and Saturday, a short Sunday. */
const weekShape = [1, 1, 1, 1, 1.25, 1.6, 0.6];

export interface DemoSchedule {
  kind: "daily" | "made_to_order" | "shelf";
  leadTimeHours: number;
  /** Par per weekday, Monday first. */
  par: number[];
}

/**
 * How the demo bakery runs its days: breads, viennoiserie, tarts and slices are baked each
 * day to a weekly par (around the demo stock, more at the weekend); whole cakes are made to
 * order with 48 hours' notice; cookies and drinks come from the shelf.
 */
export function demoSchedule(product: DemoProduct): DemoSchedule {
  const none = [0, 0, 0, 0, 0, 0, 0];
  if (wholeCakes.has(product.slug)) return { kind: "made_to_order", leadTimeHours: 48, par: none };
  if (["breads", "viennoiserie", "tarts", "cakes"].includes(product.category)) {
    return {
      kind: "daily",
      leadTimeHours: 0,
      par: weekShape.map((factor) => Math.round(product.stock * factor)),
    };
  }
  return { kind: "shelf", leadTimeHours: 0, par: none };
}
