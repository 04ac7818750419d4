// camunda:formData: the fields a user task or a start event asks for.
import type { ModdleElement } from 'bpmn-moddle';
import type { FormField } from '../../store/types';
import { extensionValue, list, str } from './moddle-element';

export const FORM_DATA = 'camunda:FormData';

const FIELD_TYPES = new Set(['string', 'long', 'boolean', 'date', 'enum']);

export function formFields(el: ModdleElement): FormField[] {
  const formData = extensionValue(el, FORM_DATA);
  return list(formData, 'fields').map((f) => {
    const constraints = list(f.validation as ModdleElement | undefined, 'constraints');
    const type = str(f.type) ?? 'string';
    const field: FormField = {
      id: String(f.id),
      label: str(f.label) ?? String(f.id),
      type: (FIELD_TYPES.has(type) ? type : 'string') as FormField['type'],
      required: constraints.some((c) => c.name === 'required'),
    };
    if (field.type === 'enum') field.values = list(f, 'values').map((v) => ({ id: String(v.id), name: str(v.name) ?? String(v.id) }));
    if (f.defaultValue !== undefined) field.defaultValue = f.defaultValue;
    return field;
  });
}
