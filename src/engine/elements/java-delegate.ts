// Camunda 7 Java delegates (`camunda:class`, `camunda:delegateExpression` on service, send and
// business rule tasks and intermediate/end message events): there is no Java here, and running
// past them would silently skip their work, so a document naming one is refused at deploy.
import type { ModdleElement } from 'bpmn-moddle';
import { list } from './moddle-element';

/** Why the element cannot run in procflow, or undefined. */
export function javaDelegateProblem(el: ModdleElement): string | undefined {
  const attribute =
    typeof el.class === 'string' && el.class.trim()
      ? 'camunda:class'
      : typeof el.delegateExpression === 'string' && el.delegateExpression.trim()
        ? 'camunda:delegateExpression'
        : undefined;
  const holder = attribute ? el : list(el, 'eventDefinitions').find((d) => typeof d.class === 'string' || typeof d.delegateExpression === 'string');
  if (!attribute && !holder) return undefined;
  const name = attribute ?? (typeof holder?.class === 'string' ? 'camunda:class' : 'camunda:delegateExpression');
  const value = String((attribute ? el : holder)?.[name === 'camunda:class' ? 'class' : 'delegateExpression'] ?? '');
  return `<${el.id ?? el.$type}> names the Java delegate ${name}="${value}"; procflow runs no Java: use camunda:type="external" camunda:topic="…" (a handler or an external worker) instead`;
}
