import type { ContentReader } from './content.ts';
import { capText, isRecord, list, longText, num, obj, own, str, waDigits } from './read.ts';

/** Coordinates as people write them: at most six decimals (about 10 cm), no exponent. */
function coordinate(n: number): string {
  return String(Number(n.toFixed(6)));
}

function httpUrl(value: unknown, key: string): string | undefined {
  const url = str(value, key, 2_048);
  return url && /^https?:\/\/[^\s]+$/i.test(url) ? url : undefined;
}

/** A shared location: its name and address, the coordinates and a map link an agent can open. */
export const location: ContentReader = (body) => {
  const lat = num(body, 'latitude');
  const long = num(body, 'longitude');
  const name = str(body, 'name', 300);
  const address = str(body, 'address', 500);
  const url = httpUrl(body, 'url');
  const hasCoords = lat !== undefined && long !== undefined && Math.abs(lat) <= 90 && Math.abs(long) <= 180;
  const label = [name, address].filter(Boolean).join(', ');
  let text: string;
  if (hasCoords) {
    const [la, lo] = [coordinate(lat), coordinate(long)];
    const point = `${la}, ${lo}`;
    text = `${label ? `Location: ${label} (${point})` : `Location: ${point}`}\nhttps://www.openstreetmap.org/?mlat=${la}&mlon=${lo}#map=17/${la}/${lo}`;
  } else {
    text = label ? `Location: ${label}` : '[Location]';
  }
  const place: Record<string, unknown> = {};
  if (hasCoords) Object.assign(place, { latitude: lat, longitude: long });
  if (name) place.name = name;
  if (address) place.address = address;
  if (url) place.url = url;
  return { text, metadata: { location: place } };
};

/** A vCard-like contact holds a few phones and addresses; more is not a person's card. */
const MAX_SHARED = 20;
const MAX_PHONES = 10;

/** Contacts a customer shared ("Shared contact: Ana Ruiz (+34 600 12 34 56)"), one line each. */
export const sharedContacts: ContentReader = (body) => {
  const cards = Array.isArray(body) ? body.filter(isRecord).slice(0, MAX_SHARED) : [];
  const lines: string[] = [];
  const shared: Record<string, unknown>[] = [];
  for (const card of cards) {
    const nameObj = obj(card, 'name');
    const name =
      str(nameObj, 'formatted_name', 300) ??
      ([str(nameObj, 'first_name', 150), str(nameObj, 'last_name', 150)].filter(Boolean).join(' ') || undefined) ??
      'unnamed contact';
    const phones: { phone: string; waId?: string; type?: string }[] = [];
    for (const raw of list(card, 'phones').slice(0, MAX_PHONES)) {
      const phone = str(raw, 'phone', 60);
      if (!phone) continue;
      const waId = waDigits(raw, 'wa_id');
      const type = str(raw, 'type', 40);
      phones.push({ phone, ...(waId ? { waId } : {}), ...(type ? { type } : {}) });
    }
    const emails = list(card, 'emails')
      .slice(0, MAX_PHONES)
      .map((e) => str(e, 'email', 320))
      .filter((e): e is string => !!e);
    const company = str(obj(card, 'org'), 'company', 300);
    lines.push(phones.length > 0 ? `Shared contact: ${name} (${phones.map((p) => p.phone).join(', ')})` : `Shared contact: ${name}`);
    shared.push({ name, phones, ...(emails.length > 0 ? { emails } : {}), ...(company ? { company } : {}) });
  }
  if (lines.length === 0) return { text: 'Shared contact' };
  return { text: capText(lines.join('\n')), metadata: { sharedContacts: shared } };
};

const MAX_ORDER_LINES = 20;

/** An order from the catalog, summed up in one line ("Order: 3 items (2 × SKU-1, 1 × SKU-2), total 45.50 EUR"). */
export const order: ContentReader = (body) => {
  const items: { productRetailerId: string; quantity: number; itemPrice?: number; currency?: string }[] = [];
  for (const raw of list(body, 'product_items').slice(0, 1_000)) {
    const productRetailerId = str(raw, 'product_retailer_id', 200);
    if (!productRetailerId) continue;
    const quantity = num(raw, 'quantity');
    const itemPrice = num(raw, 'item_price');
    const currency = str(raw, 'currency', 10);
    items.push({
      productRetailerId,
      quantity: quantity !== undefined && Number.isInteger(quantity) && quantity > 0 ? quantity : 1,
      ...(itemPrice !== undefined && itemPrice >= 0 ? { itemPrice } : {}),
      ...(currency ? { currency: currency.toUpperCase() } : {}),
    });
  }
  const note = longText(body, 'text');
  const count = items.reduce((sum, item) => sum + item.quantity, 0);
  const shown = items.slice(0, MAX_ORDER_LINES).map((item) => `${item.quantity} × ${item.productRetailerId}`);
  if (items.length > MAX_ORDER_LINES) shown.push(`and ${items.length - MAX_ORDER_LINES} more`);
  const currencies = new Set(items.map((item) => item.currency));
  const priced = items.every((item) => item.itemPrice !== undefined) && currencies.size === 1 && !currencies.has(undefined);
  const total = priced ? items.reduce((sum, item) => sum + (item.itemPrice ?? 0) * item.quantity, 0) : null;
  let text = items.length === 0 ? 'Order' : `Order: ${count} ${count === 1 ? 'item' : 'items'} (${shown.join(', ')})`;
  if (total !== null && Number.isFinite(total)) text += `, total ${total.toFixed(2)} ${items[0]?.currency}`;
  if (note) text += `\n${note}`;
  const catalogId = str(body, 'catalog_id', 100);
  return {
    text: capText(text),
    metadata: { order: { ...(catalogId ? { catalogId } : {}), items: items.slice(0, 100), ...(note ? { text: note } : {}) } },
  };
};

/** The product a customer asks about from a product message (`context.referred_product`). */
export function referredProduct(context: unknown): Record<string, string> | undefined {
  const product = own(context, 'referred_product');
  const catalogId = str(product, 'catalog_id', 100);
  const productRetailerId = str(product, 'product_retailer_id', 200);
  if (!catalogId && !productRetailerId) return undefined;
  return { ...(catalogId ? { catalogId } : {}), ...(productRetailerId ? { productRetailerId } : {}) };
}
