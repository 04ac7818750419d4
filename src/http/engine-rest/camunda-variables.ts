// Camunda's typed variables ⇄ procflow's plain JSON variables. Camunda sends and answers
// `{"name": {"value": …, "type": "Integer", "valueInfo": {…}}}` (the variable value objects of
// https://docs.camunda.org/manual/7.18/reference/rest/external-task/post-complete/ and
// https://docs.camunda.org/manual/7.18/reference/rest/variables/); camunda-external-task-client-js
// sends its type names in lower case ("integer", "json", "date") and dates as
// `2020-01-31T12:00:00.000+0000`, Json values as JSON text.
import { z } from 'zod';
import { AppError } from '../../errors/app-error';

export interface TypedValue {
  value: unknown;
  type: string;
  valueInfo: Record<string, unknown>;
}

export const typedVariablesSchema = z.record(
  z.string(),
  z.object({ value: z.unknown().optional(), type: z.string().nullish(), valueInfo: z.record(z.string(), z.unknown()).nullish() }).loose(),
);

export type TypedVariables = z.infer<typeof typedVariablesSchema>;

const INT_MIN = -(2 ** 31);
const INT_MAX = 2 ** 31 - 1;

function invalid(name: string, message: string): AppError {
  return new AppError('VALIDATION_FAILED', `variable <${name}>: ${message}`, { errors: [{ pointer: `/variables/${name}`, message }] });
}

/** Camunda's date text (`…+0000` or `…+02:00` or `…Z`) as an ISO 8601 string in UTC. */
function isoDate(name: string, value: unknown): string {
  if (typeof value !== 'string') throw invalid(name, `a Date is a string, found ${typeof value}`);
  const normalized = value.replace(/([+-]\d{2})(\d{2})$/, '$1:$2');
  const ms = Date.parse(normalized);
  if (Number.isNaN(ms)) throw invalid(name, `expected a date like 2020-01-31T12:00:00.000+0000, found <${value}>`);
  return new Date(ms).toISOString();
}

function parseJsonText(name: string, value: unknown): unknown {
  if (typeof value !== 'string') return value;
  try {
    return JSON.parse(value);
  } catch {
    throw invalid(name, 'the value is not JSON text');
  }
}

function decodeOne(name: string, v: { value?: unknown; type?: string | null; valueInfo?: Record<string, unknown> | null }): unknown {
  const value = v.value ?? null;
  const type = (v.type ?? '').toLowerCase();
  const number = (integer: boolean) => {
    const n = typeof value === 'string' ? Number(value) : value;
    if (value === null) return null;
    if (typeof n !== 'number' || !Number.isFinite(n) || (integer && !Number.isInteger(n)))
      throw invalid(name, `expected ${v.type} value, found <${String(value)}>`);
    return n;
  };
  switch (type) {
    // Untyped: the JSON value as it is (Camunda infers the type).
    case '':
      return value;
    case 'null':
      return null;
    case 'string':
      if (value !== null && typeof value !== 'string') throw invalid(name, `expected a String value, found ${typeof value}`);
      return value;
    case 'boolean':
      if (value === 'true' || value === 'false') return value === 'true';
      if (value !== null && typeof value !== 'boolean') throw invalid(name, `expected a Boolean value, found <${String(value)}>`);
      return value;
    case 'integer':
    case 'short':
    case 'long':
      return number(true);
    case 'double':
      return number(false);
    case 'date':
      return value === null ? null : isoDate(name, value);
    case 'json':
      return parseJsonText(name, value);
    case 'object': {
      const format = v.valueInfo?.serializationDataFormat;
      if (format !== undefined && format !== 'application/json') {
        throw invalid(name, `an Object is read only with serializationDataFormat application/json, found <${String(format)}>`);
      }
      return parseJsonText(name, value);
    }
    default:
      throw invalid(name, `the type <${v.type}> is not supported (String, Boolean, Integer, Short, Long, Double, Date, Json, Object as JSON, Null)`);
  }
}

/** Camunda's typed variables as procflow's plain ones. */
export function fromCamundaVariables(typed: TypedVariables | null | undefined): Record<string, unknown> {
  const plain: Record<string, unknown> = {};
  for (const [name, v] of Object.entries(typed ?? {})) plain[name] = decodeOne(name, v);
  return plain;
}

function encodeOne(value: unknown): TypedValue {
  if (value === null || value === undefined) return { value: null, type: 'Null', valueInfo: {} };
  if (typeof value === 'boolean') return { value, type: 'Boolean', valueInfo: {} };
  if (typeof value === 'string') return { value, type: 'String', valueInfo: {} };
  if (typeof value === 'number') {
    if (!Number.isInteger(value)) return { value, type: 'Double', valueInfo: {} };
    return { value, type: value >= INT_MIN && value <= INT_MAX ? 'Integer' : 'Long', valueInfo: {} };
  }
  // Objects and arrays: Camunda's Json type, whose value is the JSON text.
  return { value: JSON.stringify(value), type: 'Json', valueInfo: {} };
}

/** procflow's plain variables as Camunda's typed ones. */
export function toCamundaVariables(plain: Record<string, unknown>): Record<string, TypedValue> {
  return Object.fromEntries(Object.entries(plain).map(([name, value]) => [name, encodeOne(value)]));
}

/** A time as Camunda writes it (`yyyy-MM-dd'T'HH:mm:ss.SSSZ`, here always in UTC). */
export function camundaDate(iso: string | null | undefined): string | null {
  if (!iso) return null;
  return new Date(iso).toISOString().replace(/Z$/, '+0000');
}
