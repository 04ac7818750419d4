// Turns BPMN XML into what the engine runs: parse with bpmn-moddle, check what bpmn-engine would
// silently accept and then hang on, load it into bpmn-engine once, and keep the serialized
// source context to share between every instance of that version.
import { Engine } from 'bpmn-engine';
import type { ModdleElement, ParseResult } from 'bpmn-moddle';
import { AppError, type ErrorItem } from '../errors/app-error';
import { analyzeDocument, type DocumentMeta } from './definition-analyzer';
import {
  DEFINITIONS,
  executableByDefault,
  giveConnectorsIds,
  giveDefinitionsId,
  hoistCompensationHandlers,
  javaDelegateProblem,
  linkEventProblems,
  list,
  listenerProblems,
  loopCardinalityProblem,
  PROCESS,
  SEQUENCE_FLOW,
  timerValueProblem,
} from './elements';
import { joinAttributeEquals, lineAndColumn, parseBpmnXml, trimIds } from './bpmn-parser';
import { adaptForEngine } from './engine-load-adaptations';
import type { DeployWarning } from './model-lint';
import { firstLine, triageWarnings } from './moddle-warnings';

/**
 * The largest document procflow compiles: XML elements (diagram elements included) and how deep
 * they nest. Parsing and loading into the engine are synchronous; at 5,000 elements a whole
 * compile takes ~0.1–0.2 s of one core, in steps with a turn of the event loop between them
 * (measured in docs/operations.md, "Limits"). The largest third-party model of the conformance
 * suite has ~2,400 elements nested 11 deep.
 */
export const MAX_BPMN_ELEMENTS = 5000;
export const MAX_BPMN_DEPTH = 64;

export interface CompiledDocument {
  xml: string;
  meta: DocumentMeta;
  /** moddle-context-serializer output, shared read-only by every engine of this version. */
  sourceContext: unknown;
  definitionsId: string;
  /** What was deployed anyway though moddle or procflow found it odd (cosmetic problems). */
  warnings: DeployWarning[];
}

function invalid(detail: string, errors: ErrorItem[], cause?: unknown): AppError {
  return new AppError('BPMN_INVALID', detail, { errors, cause });
}

/**
 * Counts the elements of an XML document and how deep they nest, in one linear pass that neither
 * recurses nor builds anything (quoted attribute values, comments, CDATA and declarations are
 * skipped), so that an oversized document is refused before the parser spends time on it.
 */
export function measureXml(xml: string): { elements: number; depth: number } {
  let elements = 0;
  let depth = 0;
  let maxDepth = 0;
  let i = 0;
  const n = xml.length;
  const after = (pos: number, len: number) => (pos === -1 ? n : pos + len);
  while ((i = xml.indexOf('<', i)) !== -1) {
    const next = xml.charCodeAt(i + 1);
    if (xml.startsWith('<!--', i)) i = after(xml.indexOf('-->', i + 4), 3);
    else if (xml.startsWith('<![CDATA[', i)) i = after(xml.indexOf(']]>', i + 9), 3);
    else if (next === 0x3f /* ? */ || next === 0x21 /* ! */) i = after(xml.indexOf('>', i + 2), 1);
    else if (next === 0x2f /* / */) {
      depth--;
      i = after(xml.indexOf('>', i + 2), 1);
    } else {
      let j = i + 1;
      let quote = 0;
      for (; j < n; j++) {
        const c = xml.charCodeAt(j);
        if (quote) {
          if (c === quote) quote = 0;
        } else if (c === 0x22 || c === 0x27) quote = c;
        else if (c === 0x3e /* > */) break;
      }
      elements++;
      if (xml.charCodeAt(j - 1) !== 0x2f /* / */) {
        depth++;
        if (depth > maxDepth) maxDepth = depth;
      }
      i = j + 1;
    }
  }
  return { elements, depth: maxDepth };
}

function checkSize(xml: string): void {
  const { elements, depth } = measureXml(xml);
  if (depth > MAX_BPMN_DEPTH) {
    throw new AppError(
      'BPMN_TOO_LARGE',
      `the document nests XML elements ${depth} levels deep (sub-processes in sub-processes?); at most ${MAX_BPMN_DEPTH} are allowed`,
      { errors: [{ message: `nesting depth ${depth}, limit ${MAX_BPMN_DEPTH}` }] },
    );
  }
  if (elements > MAX_BPMN_ELEMENTS) {
    throw new AppError('BPMN_TOO_LARGE', `the document has ${elements} XML elements; at most ${MAX_BPMN_ELEMENTS} are allowed (diagram elements included)`, {
      errors: [{ message: `${elements} elements, limit ${MAX_BPMN_ELEMENTS}` }],
    });
  }
}

/** Timer values and loop cardinalities that would spin the node: refused with the element's id. */
function checkRunawayValues(meta: DocumentMeta): void {
  const frequent: ErrorItem[] = [];
  const invalidValues: ErrorItem[] = [];
  const loops: ErrorItem[] = [];
  for (const a of meta.activities.values()) {
    if (a.timer) {
      const problem = timerValueProblem(a.timer.kind, a.timer.value);
      if (problem) (problem.code === 'TIMER_TOO_FREQUENT' ? frequent : invalidValues).push({ elementId: a.id, message: `timer <${a.id}>: ${problem.message}` });
    }
    const loop = loopCardinalityProblem(a.loop?.cardinality);
    if (loop) loops.push({ elementId: a.id, message: `activity <${a.id}>: ${loop}` });
  }
  if (frequent.length) throw new AppError('TIMER_TOO_FREQUENT', frequent.map((e) => e.message).join('; '), { errors: frequent });
  if (loops.length) throw new AppError('LOOP_TOO_LARGE', loops.map((e) => e.message).join('; '), { errors: loops });
  if (invalidValues.length) throw invalid(`the document has ${invalidValues.length} problem(s): ${invalidValues[0]?.message ?? ''}`, invalidValues);
}

/**
 * Problems bpmn-engine would run into silently: fatal warnings, duplicate ids, dangling
 * references (cosmetic warnings go to `warnings`, repaired in the parsed tree where they mean
 * something to Camunda 7).
 */
export function checkDocument(parsed: ParseResult, warnings: DeployWarning[] = []): ErrorItem[] {
  const { fatal, cosmetic } = triageWarnings(parsed);
  const errors: ErrorItem[] = [...fatal];
  warnings.push(...cosmetic);
  const root = parsed.rootElement;
  if (root.$type !== DEFINITIONS) {
    errors.push({ message: `expected <${DEFINITIONS}> as the root element, found <${root.$type}>` });
    return errors;
  }
  const definitionsId = root.id;
  if (definitionsId && parsed.elementsById[definitionsId] && parsed.elementsById[definitionsId] !== root) {
    errors.push({ elementId: definitionsId, message: `the <definitions> id <${definitionsId}> is also the id of an element; the engine would hang` });
  }
  const rootElements = (root.rootElements as ModdleElement[] | undefined) ?? [];
  // Iterative: nesting is capped before parsing, but a walk must not be what overflows.
  const containers = rootElements.filter((r) => r.$type === PROCESS);
  while (containers.length) {
    const container = containers.shift() as ModdleElement;
    if (container.$type === PROCESS) for (const message of listenerProblems(container)) errors.push({ elementId: container.id, message });
    errors.push(...linkEventProblems(container));
    for (const el of (container.flowElements as ModdleElement[] | undefined) ?? []) {
      const java = javaDelegateProblem(el);
      if (java) errors.push({ elementId: el.id, message: java });
      for (const message of listenerProblems(el)) errors.push({ elementId: el.id, message });
      if (el.$type === SEQUENCE_FLOW) {
        if (!el.sourceRef) errors.push({ elementId: el.id, message: `sequence flow <${el.id}> has no valid sourceRef` });
        if (!el.targetRef) errors.push({ elementId: el.id, message: `sequence flow <${el.id}> has no valid targetRef` });
      }
      if (el.flowElements) containers.push(el);
    }
  }
  return errors;
}

/** Completes the parsed tree where BPMN tools leave things out that bpmn-elements needs. */
function prepareTree(parsed: ParseResult, warnings: DeployWarning[]): void {
  giveDefinitionsId(parsed);
  for (const made of giveConnectorsIds(parsed)) {
    warnings.push({ elementId: made.id, message: `a ${made.type.replace(/^bpmn:/, '')} without an id is given the id <${made.id}>` });
  }
  for (const root of list(parsed.rootElement, 'rootElements')) executableByDefault(root);
}

async function loadIntoEngine(parsed: ParseResult): Promise<unknown> {
  const engine = new Engine({ moddleContext: parsed as never, name: 'deploy-check' });
  engine.on('error', () => undefined);
  const definitions = await engine.getDefinitions();
  const first = definitions[0] as unknown as { environment: { options: { source: unknown } } } | undefined;
  if (!first) throw new Error('the document holds no definitions the engine can load');
  return first.environment.options.source;
}

/** Lets other requests run between the synchronous steps of a compile. */
function yieldToOthers(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/** Parses, checks and loads one document; any failure is a 400 (BPMN_INVALID or a limit's code), never a 500. */
export async function compileDocument(xml: string): Promise<CompiledDocument> {
  checkSize(xml);
  let parsed: ParseResult;
  const warnings: DeployWarning[] = [];
  try {
    const ids = trimIds(joinAttributeEquals(xml));
    for (const id of ids.trimmed) warnings.push({ elementId: id, message: `the id <${id}> has blanks around it; they are ignored` });
    parsed = await parseBpmnXml(ids.xml);
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    throw invalid(`the document is not BPMN 2.0 XML: ${firstLine(message)}`, [{ message: firstLine(message), ...lineAndColumn(message) }], err);
  }
  await yieldToOthers();
  const unreadable = (err: unknown) => {
    const message = err instanceof Error ? err.message : String(err);
    return invalid(`the document cannot be read as BPMN: ${firstLine(message)}`, [{ message: firstLine(message) }], err);
  };
  let problems: ErrorItem[];
  try {
    prepareTree(parsed, warnings);
    problems = checkDocument(parsed, warnings);
  } catch (err) {
    throw unreadable(err);
  }
  if (problems.length) {
    throw invalid(`the document has ${problems.length} problem(s): ${problems[0]?.message ?? ''}`, problems);
  }
  let meta: DocumentMeta;
  try {
    meta = analyzeDocument(parsed);
  } catch (err) {
    throw unreadable(err);
  }
  checkRunawayValues(meta);
  await yieldToOthers();
  let sourceContext: unknown;
  try {
    // After the analysis, which sees the document as drawn; the engine gets the handlers at process level.
    hoistCompensationHandlers(parsed);
    // What the loader cannot read and the run does not need is set aside while it loads.
    const adaptation = adaptForEngine(parsed, warnings);
    try {
      sourceContext = await loadIntoEngine(parsed);
    } finally {
      adaptation.restore();
    }
    adaptation.patch(sourceContext);
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    throw invalid(`the engine cannot load the document: ${firstLine(message)}`, [{ message: firstLine(message) }], err);
  }
  if (!meta.processes.length) throw invalid('the document holds no <process>', [{ message: 'expected at least one <process> element' }]);
  return { xml, meta, sourceContext, definitionsId: String(parsed.rootElement.id ?? ''), warnings };
}
