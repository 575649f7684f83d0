/**
 * The shop's product list: catalog serves it, inventory seeds stock for it, orders prices
 * with it and the load generator falls back to it before it has seen a listing.
 */

export type Product = {
  id: string;
  name: string;
  description: string;
  priceCents: number;
  currency: "EUR";
};

const item = (id: string, name: string, description: string, priceCents: number): Product => ({
  id,
  name,
  description,
  priceCents,
  currency: "EUR",
});

export const PRODUCTS: readonly Product[] = [
  item("bw-lantern", "Harbour lantern", "Storm-proof brass lantern", 4_900),
  item("bw-rope", "Mooring rope 10 m", "Braided polyester, 12 mm", 2_450),
  item("bw-compass", "Pocket compass", "Liquid-damped, luminous dial", 3_200),
  item("bw-jacket", "Foul-weather jacket", "Taped seams, high collar", 18_900),
  item("bw-boots", "Deck boots", "Non-marking soles", 8_900),
  item("bw-flask", "Thermal flask", "Keeps tea hot through a watch", 2_900),
  item("bw-chart", "Coastal chart", "Waterproof print, 1:50 000", 1_900),
  item("bw-knife", "Rigging knife", "Marlinspike and shackle key", 3_900),
  item("bw-gloves", "Sailing gloves", "Reinforced palms", 2_600),
  item("bw-horn", "Fog horn", "Refillable, 120 dB", 2_100),
  item("bw-binoculars", "Marine binoculars", "7×50 with compass", 21_900),
  item("bw-logbook", "Ship's logbook", "200 numbered pages", 1_500),
];

const byId = new Map(PRODUCTS.map((product) => [product.id, product]));

export function findProduct(id: string): Product | undefined {
  return byId.get(id);
}
