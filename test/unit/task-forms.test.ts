// Task completion values against a Camunda form: types, required fields, enum values.
import { AppError } from '../../src/errors/app-error';
import { validateForm } from '../../src/engine/task-forms';
import type { FormField } from '../../src/store/types';

const fields: FormField[] = [
  { id: 'approved', label: 'Approve?', type: 'boolean', required: true },
  { id: 'amount', label: 'Amount', type: 'long', required: false },
  { id: 'due', label: 'Due', type: 'date', required: false },
  {
    id: 'level',
    label: 'Level',
    type: 'enum',
    required: false,
    values: [
      { id: 'low', name: 'Low' },
      { id: 'high', name: 'High' },
    ],
  },
  { id: 'note', label: 'Note', type: 'string', required: false },
];

test('valid values are coerced to the field types and extra values pass through', () => {
  expect(validateForm(fields, { approved: 'true', amount: '42', due: '2026-12-01', level: 'high', note: 'x', extra: 1 }, 'task <t>')).toEqual({
    approved: true,
    amount: 42,
    due: '2026-12-01',
    level: 'high',
    note: 'x',
    extra: 1,
  });
});

test('every invalid field is reported with a pointer, and a missing required one too', () => {
  try {
    validateForm(fields, { amount: 1.5, due: 'soon', level: 'medium', note: 3 }, 'task <t>');
    throw new Error('expected FORM_INVALID');
  } catch (err) {
    expect(err).toBeInstanceOf(AppError);
    const e = err as AppError;
    expect(e.code).toBe('FORM_INVALID');
    expect(e.errors?.map((x) => x.pointer)).toEqual(['/variables/approved', '/variables/amount', '/variables/due', '/variables/level', '/variables/note']);
    expect(e.errors?.[3]?.message).toContain('expected one of <low>, <high>');
  }
});
