// Reading bpmn-moddle elements the way every element file needs: properties that may be absent,
// strings that may be blank, event definitions and Camunda extension values.
import type { ModdleElement } from 'bpmn-moddle';

export function list(el: ModdleElement | undefined, prop: string): ModdleElement[] {
  const v = el?.[prop];
  return Array.isArray(v) ? (v as ModdleElement[]) : [];
}

export function str(v: unknown): string | null {
  return typeof v === 'string' && v.trim() !== '' ? v.trim() : null;
}

export function expressionBody(v: unknown): string | null {
  if (!v || typeof v !== 'object') return null;
  return str((v as { body?: unknown }).body);
}

/** A comma list (`a, b, ${x}`); a comma inside `${…}` (`${name.substring(0, 3)}`) does not split it. */
export function splitList(v: unknown): string[] {
  const s = str(v);
  if (!s) return [];
  const out: string[] = [];
  let depth = 0;
  let current = '';
  for (const c of s) {
    if (c === '{') depth++;
    if (c === '}') depth = Math.max(0, depth - 1);
    if (c === ',' && depth === 0) {
      out.push(current);
      current = '';
    } else current += c;
  }
  out.push(current);
  return out.map((x) => x.trim()).filter(Boolean);
}

export function eventDefinition(el: ModdleElement, type: string): ModdleElement | undefined {
  return list(el, 'eventDefinitions').find((d) => d.$type === type);
}

export function extensionValue(el: ModdleElement | undefined, type: string): ModdleElement | undefined {
  return list(el?.extensionElements as ModdleElement | undefined, 'values').find((v) => v.$type === type);
}
