// The deploy-time lint: walks every element of the parsed document (every property its moddle
// descriptor declares, extension elements and attributes of foreign namespaces included) and says,
// for each element type and each attribute set that procflow does not fully execute, what happens
// instead. The verdicts come from one table (support-table.ts); nothing is ignored silently.
import type { ModdleElement, ParseResult } from 'bpmn-moddle';
import type { ErrorItem } from '../errors/app-error';
import { supportOf, type Support, type SupportEntry } from './support-table';

/**
 * A deploy warning: what does not stop the process from running. The lint's warnings also say
 * which attribute (or element type) they are about and give a stable code.
 */
export interface DeployWarning extends ErrorItem {
  code?: LintCode;
  elementName?: string;
  attribute?: string;
}

/** A deploy warning of the lint: the element, the attribute (or element type) and what happens instead. */
export interface LintWarning extends DeployWarning {
  code: LintCode;
  elementId?: string;
  /** The name of the element the warning is about (its nearest named ancestor with an id). */
  elementName?: string;
  /** `camunda:asyncBefore`, or the element type (`bpmn:DataObject`) for an element. */
  attribute: string;
  message: string;
}

export type LintCode =
  | 'ELEMENT_IGNORED'
  | 'ELEMENT_PARTLY'
  | 'ELEMENT_NOT_LISTED'
  | 'ATTRIBUTE_IGNORED'
  | 'ATTRIBUTE_PARTLY'
  | 'ATTRIBUTE_NOT_LISTED'
  | 'EXTENSION_IGNORED'
  | 'FOREIGN_ATTRIBUTE_IGNORED';

/** How many warnings of one code and attribute are listed one by one; the rest are counted in one more. */
export const LINT_WARNINGS_PER_KIND = 20;

const KNOWN_PACKAGES = new Set(['bpmn', 'camunda']);
const DIAGRAM_PREFIXES = /^(bpmndi|dc|di):/;
/** Namespaces of attributes that describe the file, never its behaviour. */
const DESCRIPTIVE_NAMESPACES = new Set([
  'http://www.w3.org/2001/XMLSchema-instance',
  'http://www.w3.org/XML/1998/namespace',
  'http://camunda.org/schema/modeler/1.0',
  'http://bpmn.io/schema/bpmn',
  'http://bpmn.io/schema/bpmn/biocolor/1.0',
  'http://www.omg.org/spec/BPMN/non-normative/color/1.0',
]);
const XML_NAMESPACE = 'http://www.w3.org/XML/1998/namespace';
const BPMN_URI = 'http://www.omg.org/spec/BPMN/20100524/MODEL';
const CAMUNDA_URI = 'http://camunda.org/schema/1.0/bpmn';

/** The namespace a prefix is bound to where the element sits (declarations of inner elements included). */
function uriOf(el: Element, prefix: string): string | undefined {
  for (let e: Element | undefined = el; e; e = e.$parent) {
    const uri = e.$attrs?.[`xmlns:${prefix}`];
    if (typeof uri === 'string') return uri;
  }
  return undefined;
}

/** An attribute's value as the file wrote it (a reference by its id). */
function shown(value: unknown): string {
  const one = (v: unknown) => (isElement(v) ? String(v.id ?? v.$type) : String(v));
  const text = Array.isArray(value) ? value.map(one).join(' ') : one(value);
  return text.length > 80 ? `${text.slice(0, 77)}…` : text;
}

interface Property {
  name: string;
  ns: { name: string; prefix: string; localName: string };
  isReference?: boolean;
  isMany?: boolean;
  isBody?: boolean;
  default?: unknown;
}
interface Descriptor {
  properties?: Property[];
}
type Element = ModdleElement & { $descriptor?: Descriptor; $instanceOf?: (type: string) => boolean };

function isElement(v: unknown): v is Element {
  return typeof v === 'object' && v !== null && typeof (v as { $type?: unknown }).$type === 'string';
}

function isA(el: Element): (type: string) => boolean {
  return (type) => el.$type === type || (typeof el.$instanceOf === 'function' && el.$instanceOf(type));
}

/** Elements a diagram draws (or the document itself): what a warning is about, by its id. */
const OWNER_TYPES = ['bpmn:FlowElement', 'bpmn:RootElement', 'bpmn:Participant', 'bpmn:Lane', 'bpmn:MessageFlow', 'bpmn:Artifact', 'bpmn:Definitions'];

/** The flow element (or other diagram element with an id) a nested element belongs to. */
function owner(el: Element | undefined): Element | undefined {
  let withId: Element | undefined;
  for (let e = el; e; e = e.$parent) {
    if (!e.id || DIAGRAM_PREFIXES.test(e.$type)) continue;
    withId ??= e;
    if (OWNER_TYPES.some(isA(e))) return e;
  }
  return withId;
}

const short = (type: string) => type.replace(/^bpmn:/, '');

/** The element whose type scopes an extension element's entry: the one holding its <extensionElements>. */
function holder(el: Element): Element {
  let e = el.$parent;
  while (e && (e.$type === 'bpmn:ExtensionElements' || !KNOWN_PACKAGES.has(prefixOf(e.$type)) || e.$type.startsWith('camunda:'))) {
    e = e.$parent;
  }
  return e ?? el;
}

function prefixOf(name: string): string {
  const i = name.indexOf(':');
  return i === -1 ? '' : name.slice(0, i);
}

/** prefix → namespace URI, from every xmlns declaration in the document. */
function namespaces(root: Element): Map<string, string> {
  const out = new Map<string, string>();
  const visit = (el: Element) => {
    for (const [name, value] of Object.entries(el.$attrs ?? {})) {
      if (name.startsWith('xmlns:') && typeof value === 'string') out.set(name.slice(6), value);
    }
  };
  visit(root);
  out.set('xml', XML_NAMESPACE);
  return out;
}

/** A value that says what the default says: nothing to execute differently. */
function isDefault(prop: Property, value: unknown): boolean {
  if (value === undefined || value === null) return true;
  if (Array.isArray(value) && value.length === 0) return true;
  if (prop.default !== undefined && String(prop.default) === String(value)) return true;
  return false;
}

const VERDICT: Record<Exclude<Support, 'supported' | 'descriptive' | 'refused'>, string> = {
  ignored: 'is ignored',
  partly: 'is partly executed',
};

interface Finding {
  code: LintCode;
  at: Element | undefined;
  attribute: string;
  text: string;
  /** What the text says happens (`is ignored: …`), for the count of the same on other elements. */
  tail: string;
}

function describe(el: Element | undefined): string {
  if (!el) return 'the document';
  const name = typeof el.name === 'string' && el.name.trim() ? ` "${el.name.trim()}"` : '';
  return `<${short(el.$type)} ${el.id ?? ''}>${name}`.replace(' >', '>');
}

class Lint {
  readonly findings: Finding[] = [];
  private readonly ns: Map<string, string>;

  constructor(root: Element) {
    this.ns = namespaces(root);
  }

  private add(code: LintCode, el: Element, attribute: string, subject: string, tail: string): void {
    this.findings.push({ code, at: owner(el), attribute, text: `${subject} ${tail}`, tail });
  }

  /** Reports an entry's verdict; true when the element's own content is still to be checked. */
  private verdict(entry: SupportEntry, el: Element, attribute: string, value: unknown, elementLevel: boolean): boolean {
    let support = entry.support;
    let note = entry.note;
    const given = String(value).trim();
    const same = (v: string) => (entry.ignoreCase ? v.toLowerCase() === given.toLowerCase() : v === given);
    if (entry.values && !entry.values.some(same)) {
      support = entry.otherValues?.support ?? 'ignored';
      note = entry.otherValues?.note ?? note;
    }
    // Refused ones are refused by the deploy checks (400) before a lint's warning could matter.
    if (support === 'supported' || support === 'descriptive' || support === 'refused') return support !== 'refused';
    const where = describe(owner(el));
    const code: LintCode = elementLevel
      ? support === 'ignored'
        ? 'ELEMENT_IGNORED'
        : 'ELEMENT_PARTLY'
      : support === 'ignored'
        ? 'ATTRIBUTE_IGNORED'
        : 'ATTRIBUTE_PARTLY';
    const subject = !elementLevel
      ? `${attribute}${value === true ? '' : `="${shown(value)}"`} on ${where}`
      : owner(el) === el
        ? where
        : `<${short(attribute)}> in ${where}`;
    this.add(code, el, attribute, subject, `${VERDICT[support]}: ${note}`);
    return support === 'partly';
  }

  walk(root: Element): void {
    const stack: Element[] = [root];
    while (stack.length) {
      const el = stack.pop() as Element;
      if (DIAGRAM_PREFIXES.test(el.$type)) continue;
      if (!KNOWN_PACKAGES.has(prefixOf(el.$type))) {
        const at = holder(el);
        this.add(
          'EXTENSION_IGNORED',
          at,
          el.$type,
          `the extension <${el.$type}> on ${describe(owner(at))}`,
          'is ignored: procflow does not read its namespace',
        );
        continue;
      }
      const entry = supportOf(el.$type, 'element', isA(holder(el)));
      if (!entry) {
        this.add(
          'ELEMENT_NOT_LISTED',
          el,
          el.$type,
          owner(el) === el ? describe(el) : `<${short(el.$type)}> in ${describe(owner(el))}`,
          "is not in procflow's support table: what bpmn-engine does with it is not checked",
        );
        continue;
      }
      if (entry.support === 'descriptive' && el.$type !== 'bpmn:ExtensionElements') continue;
      if (!this.verdict(entry, el, el.$type, true, true)) continue;
      this.attributes(el, stack);
      this.foreignAttributes(el);
    }
  }

  private attributes(el: Element, stack: Element[]): void {
    const is = isA(el);
    for (const prop of el.$descriptor?.properties ?? []) {
      if (!Object.prototype.hasOwnProperty.call(el, prop.name)) continue;
      const value = (el as Record<string, unknown>)[prop.name];
      const children = prop.isReference ? [] : (Array.isArray(value) ? value : [value]).filter(isElement);
      if (children.length) {
        for (let i = children.length - 1; i >= 0; i--) stack.push(children[i] as Element);
        continue;
      }
      // An element's text body belongs to the element (an expression's text, a retry cycle).
      if (prop.isBody || isDefault(prop, value)) continue;
      const attribute = prop.ns.name;
      const entry = supportOf(attribute, 'attribute', is);
      if (!entry) {
        this.add(
          'ATTRIBUTE_NOT_LISTED',
          el,
          attribute,
          `${attribute}="${shown(value)}" on ${describe(owner(el))}`,
          "is not in procflow's support table: procflow does not execute it",
        );
        continue;
      }
      this.verdict(entry, el, attribute, value, false);
    }
  }

  private foreignAttributes(el: Element): void {
    for (const [name, value] of Object.entries(el.$attrs ?? {})) {
      if (name === 'xmlns' || name.startsWith('xmlns:')) continue;
      const prefix = prefixOf(name);
      // Unknown attributes of the BPMN and Camunda namespaces are moddle's warnings (moddle-warnings.ts).
      const uri = uriOf(el, prefix) ?? this.ns.get(prefix);
      if (!prefix || uri === BPMN_URI || uri === CAMUNDA_URI || (uri === undefined && KNOWN_PACKAGES.has(prefix))) continue;
      if (uri !== undefined && DESCRIPTIVE_NAMESPACES.has(uri)) continue;
      this.add(
        'FOREIGN_ATTRIBUTE_IGNORED',
        el,
        name,
        `${name}="${shown(value)}" on ${describe(owner(el))}`,
        `is ignored: procflow does not read the namespace ${uri ?? `of the prefix ${prefix}`}`,
      );
    }
  }
}

/**
 * One warning per element and attribute that procflow does not fully execute. Of each code and
 * attribute, the first LINT_WARNINGS_PER_KIND are listed; one more counts the rest, naming them.
 */
export function lintDocument(parsed: ParseResult): LintWarning[] {
  const root = parsed.rootElement as Element;
  const lint = new Lint(root);
  lint.walk(root);
  const seen = new Set<string>();
  const byKind = new Map<string, Finding[]>();
  for (const f of lint.findings) {
    const id = f.at?.id ?? '';
    const key = `${f.code}\u0000${f.attribute}\u0000${id}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const kind = `${f.code}\u0000${f.attribute}`;
    const group = byKind.get(kind) ?? [];
    group.push(f);
    byKind.set(kind, group);
  }
  const out: LintWarning[] = [];
  const warning = (f: Finding, message: string): LintWarning => {
    const name = typeof f.at?.name === 'string' && f.at.name.trim() ? f.at.name.trim() : undefined;
    return { code: f.code, ...(f.at?.id ? { elementId: String(f.at.id) } : {}), ...(name ? { elementName: name } : {}), attribute: f.attribute, message };
  };
  for (const group of byKind.values()) {
    for (const f of group.slice(0, LINT_WARNINGS_PER_KIND)) out.push(warning(f, f.text));
    const rest = group.slice(LINT_WARNINGS_PER_KIND);
    const first = rest[0];
    if (first) {
      const ids = rest.map((f) => f.at?.id ?? '?');
      const ids10 = ids.slice(0, 10).join(', ') + (ids.length > 10 ? ', …' : '');
      out.push(warning(first, `${first.attribute} on ${rest.length} more element(s) (${ids10}) ${first.tail}`));
    }
  }
  return out;
}
