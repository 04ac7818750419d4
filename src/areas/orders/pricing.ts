// What an order costs: each item at the product catalogue's unit price when the item names a
// product the catalogue knows, else at the configured price rule. Amounts are integer cents.
import type { OrderItem, QuoteLine } from './order-store';

/** The product catalogue as pricing sees it: a unit price (in euros) by product code, if known. */
export interface ProductPrices {
  unitPriceOf(productCode: string): Promise<number | undefined>;
}

export interface PricedOrder {
  currency: 'EUR';
  lines: QuoteLine[];
  totalCents: number;
}

export function toCents(euros: number): number {
  return Math.round(euros * 100);
}

export async function priceOrder(items: OrderItem[], prices: ProductPrices, defaultUnitPrice: number): Promise<PricedOrder> {
  const lines: QuoteLine[] = [];
  for (const item of items) {
    const known = item.productCode ? await prices.unitPriceOf(item.productCode) : undefined;
    const unitPriceCents = toCents(known ?? defaultUnitPrice);
    lines.push({
      description: item.description,
      ...(item.productCode ? { productCode: item.productCode } : {}),
      quantity: item.quantity,
      unitPriceCents,
      amountCents: unitPriceCents * item.quantity,
      priceSource: known === undefined ? 'rule' : 'catalogue',
    });
  }
  return { currency: 'EUR', lines, totalCents: lines.reduce((sum, l) => sum + l.amountCents, 0) };
}
