// Tells the moddle warnings that stop a process from running from those that do not: a Camunda
// attribute moddle does not know on an element, a diagram pointing to nothing, a QName reference,
// an undeclared errorRef, a loopDataInputRef naming a variable. The harmless ones are repaired in
// the parsed tree where Camunda 7 gives them a meaning, and reported as deploy warnings.
import type { ModdleElement, ParseResult } from 'bpmn-moddle';
import type { ErrorItem } from '../errors/app-error';
import { declareImplicitError, loopDataInputAsCollection } from './elements';
import { lineAndColumn } from './bpmn-parser';
import { lintDocument, type DeployWarning } from './model-lint';

const BPMN_MODEL_URI = 'http://www.omg.org/spec/BPMN/20100524/MODEL';

type Warning = ParseResult['warnings'][number];

export interface WarningTriage {
  /** The process cannot run as drawn: 400 BPMN_INVALID. */
  fatal: ErrorItem[];
  /** Deployed anyway; each says what procflow made of it. */
  cosmetic: DeployWarning[];
}

/** moddle-xml puts the cause on a `nested error:` line; keep it, it names the element. */
export function firstLine(message: string): string {
  const first = message.split('\n')[0] ?? message;
  const nested = /nested error:\s*(.+)/.exec(message)?.[1];
  return nested ? `${first}: ${nested.trim()}` : first;
}

/** The prefixes the document binds to the BPMN model namespace ('' for a default namespace). */
function bpmnPrefixes(root: ModdleElement): Set<string> {
  const prefixes = new Set<string>();
  for (const [name, value] of Object.entries(root.$attrs ?? {})) {
    if (value !== BPMN_MODEL_URI) continue;
    if (name === 'xmlns') prefixes.add('');
    else if (name.startsWith('xmlns:')) prefixes.add(name.slice(6));
  }
  const ns = (root as unknown as { $descriptor?: { ns?: { prefix?: string } } }).$descriptor?.ns?.prefix;
  if (ns) prefixes.add(ns);
  return prefixes;
}

/** Points a reference at the element it names, in the element and in the parse's reference list. */
function resolveReference(parsed: ParseResult, w: Warning, target: ModdleElement): void {
  const el = w.element as ModdleElement;
  const local = String(w.property).replace(/^\w+:/, '');
  const current = el[local];
  if (Array.isArray(current)) current.push(target);
  else el[local] = target;
  for (const r of parsed.references) if (r.element === el && r.property === w.property && r.id === w.value) r.id = String(target.id);
}

function unresolvedReference(parsed: ParseResult, w: Warning): string | undefined {
  const el = w.element;
  const property = String(w.property ?? '');
  const ref = String(w.value ?? '');
  if (!el) return undefined;
  if (property.startsWith('bpmndi:') || property.startsWith('di:'))
    return `the diagram refers to <${ref}>, which the document does not hold; the diagram is ignored there`;
  // `tns:foo` with `tns` bound to the targetNamespace (or any prefix): the element `foo`.
  const local = /^[\w.-]+:(.+)$/.exec(ref)?.[1];
  const target = local !== undefined ? parsed.elementsById[local] : undefined;
  if (target) {
    resolveReference(parsed, w, target);
    return `the reference <${ref}> is read as <${local}>`;
  }
  if (property === 'bpmn:errorRef' && declareImplicitError(parsed, el, ref)) {
    return `no <error> has the id <${ref}>; as in Camunda 7, the error code is <${ref}>`;
  }
  if (property === 'bpmn:loopDataInputRef' && loopDataInputAsCollection(el, ref)) {
    return `loopDataInputRef <${ref}> names no data input; it is read as the collection variable <${ref}>`;
  }
  return undefined;
}

/** The id of the flow element a warning is about (the nearest parent with an id). */
function elementIdOf(el: ModdleElement | undefined): string | undefined {
  for (let e = el; e; e = e.$parent) if (e.id) return e.id;
  return undefined;
}

export function triageWarnings(parsed: ParseResult): WarningTriage {
  const fatal: ErrorItem[] = [];
  const cosmetic: DeployWarning[] = [];
  const prefixes = bpmnPrefixes(parsed.rootElement);
  for (const w of parsed.warnings) {
    // The bytes were already decoded by the encoding the declaration names (see decodeXml).
    if (w.message.startsWith('unsupported document encoding')) continue;
    const item: ErrorItem = { message: firstLine(w.message), ...lineAndColumn(w.message) };
    const id = elementIdOf(w.element);
    if (id) item.elementId = id;
    let repaired: string | undefined;
    const attribute = /^unknown attribute <([^>]+)>/.exec(w.message)?.[1];
    if (attribute) {
      const prefix = attribute.includes(':') ? attribute.slice(0, attribute.indexOf(':')) : '';
      // An extension attribute (camunda:historyTimeToLive on <definitions>) means nothing here.
      if (prefix && !prefixes.has(prefix)) repaired = `the attribute <${attribute}> is not known on <${w.element?.$type ?? 'this element'}>; it is ignored`;
    } else if (w.message.startsWith('unresolved reference')) {
      repaired = unresolvedReference(parsed, w);
    }
    if (repaired) cosmetic.push({ ...item, message: repaired });
    else fatal.push(item);
  }
  // What the model sets that procflow does not execute (support-table.ts): said, never silent.
  cosmetic.push(...lintDocument(parsed));
  return { fatal, cosmetic };
}
