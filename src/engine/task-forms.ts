// Validates the values submitted to complete a user task against its Camunda form fields
// (types, required, enum values) and coerces them to the field types.
import { AppError, type ErrorItem } from '../errors/app-error';
import type { FormField } from '../store/types';

function coerce(field: FormField, value: unknown): { ok: true; value: unknown } | { ok: false; message: string } {
  switch (field.type) {
    case 'string':
      return typeof value === 'string' ? { ok: true, value } : { ok: false, message: `expected a string, found ${typeof value}` };
    case 'long': {
      const n = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
      return typeof n === 'number' && Number.isInteger(n)
        ? { ok: true, value: n }
        : { ok: false, message: `expected an integer, found ${JSON.stringify(value)}` };
    }
    case 'boolean':
      if (typeof value === 'boolean') return { ok: true, value };
      if (value === 'true' || value === 'false') return { ok: true, value: value === 'true' };
      return { ok: false, message: `expected true or false, found ${JSON.stringify(value)}` };
    case 'date': {
      const ok = typeof value === 'string' && !Number.isNaN(Date.parse(value));
      return ok ? { ok: true, value } : { ok: false, message: `expected an ISO 8601 date, found ${JSON.stringify(value)}` };
    }
    case 'enum': {
      const ids = (field.values ?? []).map((v) => v.id);
      return typeof value === 'string' && ids.includes(value)
        ? { ok: true, value }
        : { ok: false, message: `expected one of ${ids.map((i) => `<${i}>`).join(', ')}, found ${JSON.stringify(value)}` };
    }
  }
}

export function validateForm(fields: FormField[], variables: Record<string, unknown>, taskLabel: string): Record<string, unknown> {
  const out: Record<string, unknown> = { ...variables };
  const errors: ErrorItem[] = [];
  for (const field of fields) {
    const value = variables[field.id];
    if (value === undefined || value === null || value === '') {
      if (field.required) errors.push({ pointer: `/variables/${field.id}`, message: `<${field.label}> is required` });
      continue;
    }
    const result = coerce(field, value);
    if (result.ok) out[field.id] = result.value;
    else errors.push({ pointer: `/variables/${field.id}`, message: `<${field.label}>: ${result.message}` });
  }
  if (errors.length) throw new AppError('FORM_INVALID', `the form of ${taskLabel} has ${errors.length} invalid field(s)`, { errors });
  return out;
}
