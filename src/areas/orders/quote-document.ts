// The quote as a document, in the prototype's language (French): plain text (what the prototype
// wrote to quote_<id>.txt, now numbered) and the same content as a PDF. Both depend only on the
// quote's data, so rendering again gives the same bytes.
import PDFDocument from 'pdfkit';
import { parseDuration } from '../../engine/iso-duration';
import type { QuoteLine } from './order-store';

export interface QuoteContent {
  number: string;
  /** ISO 8601; the quote's date and the PDF's creation date. */
  createdAt: string;
  order: { number: number; customerName: string; email: string };
  lines: QuoteLine[];
  totalCents: number;
  currency: string;
  /** How long the client may answer (the process's PROCFLOW_QUOTE_EXPIRES_AFTER, ISO 8601) and until when. */
  validity: { duration: string; until: string };
}

/** The quote's validity from its creation: the expiry setting, read as an ISO 8601 duration. */
export function quoteValidity(createdAt: string, expiresAfter: string): QuoteContent['validity'] {
  const ms = parseDuration(expiresAfter);
  if (ms === undefined) throw new Error(`expected an ISO 8601 duration for the quote's expiry, found <${expiresAfter}>`);
  return { duration: expiresAfter, until: new Date(new Date(createdAt).getTime() + ms).toISOString() };
}

const FRENCH_UNITS: Array<[number, string, string]> = [
  [86_400_000, 'jour', 'jours'],
  [3_600_000, 'heure', 'heures'],
  [60_000, 'minute', 'minutes'],
  [1000, 'seconde', 'secondes'],
];

/** PT48H → "2 jours", P1DT12H → "36 heures", PT90M → "90 minutes": the largest unit that divides it. */
export function frenchDuration(ms: number): string {
  const [unit, one, many] = FRENCH_UNITS.find(([u]) => ms % u === 0 && ms >= u) ?? [1000, 'seconde', 'secondes'];
  const n = Math.max(1, Math.round(ms / unit));
  return `${n} ${n === 1 ? one : many}`;
}

/** 123456 → "1 234,56 €" (plain spaces: the PDF's standard fonts have no narrow no-break space). */
export function formatEuros(cents: number): string {
  const sign = cents < 0 ? '-' : '';
  const abs = Math.abs(cents);
  const units = Math.floor(abs / 100)
    .toString()
    .replace(/\B(?=(\d{3})+(?!\d))/g, ' ');
  return `${sign}${units},${String(abs % 100).padStart(2, '0')} €`;
}

function frenchDate(iso: string): string {
  const d = new Date(iso);
  const two = (n: number) => String(n).padStart(2, '0');
  return `${two(d.getUTCDate())}/${two(d.getUTCMonth() + 1)}/${d.getUTCFullYear()}`;
}

function designation(line: QuoteLine): string {
  return line.productCode ? `${line.description} (${line.productCode})` : line.description;
}

const COLUMNS = { description: 40, quantity: 6, unit: 16, amount: 16 };
const WIDTH = COLUMNS.description + COLUMNS.quantity + COLUMNS.unit + COLUMNS.amount;

/** Splits a designation into lines that fit its column, at spaces where it can. */
function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/)) {
    for (let w = word; w; w = w.slice(width)) {
      const piece = w.slice(0, width);
      if (line && line.length + 1 + piece.length > width) {
        lines.push(line);
        line = '';
      }
      line = line ? `${line} ${piece}` : piece;
    }
  }
  return lines.length || line ? [...lines, line] : [''];
}

/** One table row; a long designation continues on the lines below it. */
function row(description: string, quantity: string, unit: string, amount: string): string {
  const [first = '', ...rest] = wrap(description, COLUMNS.description - 1);
  return [
    `${first.padEnd(COLUMNS.description)}${quantity.padStart(COLUMNS.quantity)}${unit.padStart(COLUMNS.unit)}${amount.padStart(COLUMNS.amount)}`,
    ...rest,
  ].join('\n');
}

function header(q: QuoteContent): string[] {
  return [`Date : ${frenchDate(q.createdAt)}`, `Commande n° ${q.order.number}`, `Client : ${q.order.customerName} <${q.order.email}>`];
}

function frenchDateTime(iso: string): string {
  const d = new Date(iso);
  const two = (n: number) => String(n).padStart(2, '0');
  return `${frenchDate(iso)} à ${two(d.getUTCHours())}:${two(d.getUTCMinutes())} UTC`;
}

/** The validity as the client reads it: the real duration the process waits, and its end. */
function footer(q: QuoteContent): string {
  const ms = new Date(q.validity.until).getTime() - new Date(q.createdAt).getTime();
  return `Devis valable ${frenchDuration(ms)}, jusqu'au ${frenchDateTime(q.validity.until)}. Acceptez-le ou refusez-le dans votre liste de tâches.`;
}

export function renderQuoteText(q: QuoteContent): string {
  const rule = '-'.repeat(WIDTH);
  return [
    `DEVIS ${q.number}`,
    ...header(q),
    '',
    row('Désignation', 'Qté', 'Prix unitaire', 'Montant'),
    rule,
    ...q.lines.map((l) => row(designation(l), String(l.quantity), formatEuros(l.unitPriceCents), formatEuros(l.amountCents))),
    rule,
    row('Total', '', '', formatEuros(q.totalCents)),
    '',
    footer(q),
    '',
  ].join('\n');
}

export function renderQuotePdf(q: QuoteContent): Promise<Buffer> {
  const created = new Date(q.createdAt);
  const doc = new PDFDocument({ size: 'A4', margin: 50, info: { Title: `Devis ${q.number}`, Author: 'procflow', CreationDate: created, ModDate: created } });
  const chunks: Buffer[] = [];
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('data', (c: Buffer) => chunks.push(c));
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });
  const x = { description: 50, quantity: 300, unit: 350, amount: 455 };
  const tableRow = (cells: [string, string, string, string], font = 'Helvetica') => {
    const y = doc.y;
    doc.font(font).fontSize(10);
    doc.text(cells[0], x.description, y, { width: 240 });
    const bottom = doc.y;
    doc.text(cells[1], x.quantity, y, { width: 40, align: 'right' });
    doc.text(cells[2], x.unit, y, { width: 95, align: 'right' });
    doc.text(cells[3], x.amount, y, { width: 90, align: 'right' });
    doc.x = x.description;
    doc.y = Math.max(bottom, doc.y) + 4;
  };
  const rule = () => {
    doc.moveTo(50, doc.y).lineTo(545, doc.y).lineWidth(0.5).stroke();
    doc.y += 6;
  };

  doc.font('Helvetica-Bold').fontSize(18).text(`Devis ${q.number}`);
  doc.moveDown(0.5);
  doc.font('Helvetica').fontSize(11);
  for (const line of header(q)) doc.text(line);
  doc.moveDown(1.5);
  tableRow(['Désignation', 'Qté', 'Prix unitaire', 'Montant'], 'Helvetica-Bold');
  rule();
  for (const l of q.lines) tableRow([designation(l), String(l.quantity), formatEuros(l.unitPriceCents), formatEuros(l.amountCents)]);
  rule();
  tableRow(['Total', '', '', formatEuros(q.totalCents)], 'Helvetica-Bold');
  doc.moveDown(2);
  doc.font('Helvetica').fontSize(9).text(footer(q), 50);
  doc.end();
  return done;
}
