// Turns BPMN XML into what the engine runs: parse with bpmn-moddle, check what bpmn-engine would
// silently accept and then hang on, load it into bpmn-engine once, and keep the serialized
// source context to share between every instance of that version.
import { Engine } from 'bpmn-engine';
import type { ModdleElement, ParseResult } from 'bpmn-moddle';
import { AppError, type ErrorItem } from '../errors/app-error';
import { analyzeDocument, type DocumentMeta } from './definition-analyzer';
import { DEFINITIONS, PROCESS, SEQUENCE_FLOW } from './elements';
import { lineAndColumn, parseBpmnXml } from './bpmn-parser';

export interface CompiledDocument {
  xml: string;
  meta: DocumentMeta;
  /** moddle-context-serializer output, shared read-only by every engine of this version. */
  sourceContext: unknown;
  definitionsId: string;
}

function invalid(detail: string, errors: ErrorItem[], cause?: unknown): AppError {
  return new AppError('BPMN_INVALID', detail, { errors, cause });
}

/** moddle-xml puts the cause on a `nested error:` line; keep it, it names the element. */
function firstLine(message: string): string {
  const first = message.split('\n')[0] ?? message;
  const nested = /nested error:\s*(.+)/.exec(message)?.[1];
  return nested ? `${first}: ${nested.trim()}` : first;
}

/** Problems bpmn-engine would run into silently: warnings, duplicate ids, dangling references. */
export function checkDocument(parsed: ParseResult): ErrorItem[] {
  const errors: ErrorItem[] = [];
  for (const w of parsed.warnings) {
    // The bytes were already decoded by the encoding the declaration names (see decodeXml).
    if (w.message.startsWith('unsupported document encoding')) continue;
    const item: ErrorItem = { message: firstLine(w.message), ...lineAndColumn(w.message) };
    const id = w.element?.id;
    if (id) item.elementId = id;
    errors.push(item);
  }
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
  const walk = (container: ModdleElement) => {
    for (const el of (container.flowElements as ModdleElement[] | undefined) ?? []) {
      if (el.$type === SEQUENCE_FLOW) {
        if (!el.sourceRef) errors.push({ elementId: el.id, message: `sequence flow <${el.id}> has no valid sourceRef` });
        if (!el.targetRef) errors.push({ elementId: el.id, message: `sequence flow <${el.id}> has no valid targetRef` });
      }
      if (el.flowElements) walk(el);
    }
  };
  for (const r of rootElements) if (r.$type === PROCESS) walk(r);
  return errors;
}

async function loadIntoEngine(parsed: ParseResult): Promise<unknown> {
  const engine = new Engine({ moddleContext: parsed as never, name: 'deploy-check' });
  engine.on('error', () => undefined);
  const definitions = await engine.getDefinitions();
  const first = definitions[0] as unknown as { environment: { options: { source: unknown } } } | undefined;
  if (!first) throw new Error('the document holds no definitions the engine can load');
  return first.environment.options.source;
}

/** Parses, checks and loads one document; any failure is a 400 BPMN_INVALID, never a 500. */
export async function compileDocument(xml: string): Promise<CompiledDocument> {
  let parsed: ParseResult;
  try {
    parsed = await parseBpmnXml(xml);
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    throw invalid(`the document is not BPMN 2.0 XML: ${firstLine(message)}`, [{ message: firstLine(message), ...lineAndColumn(message) }], err);
  }
  const problems = checkDocument(parsed);
  if (problems.length) {
    throw invalid(`the document has ${problems.length} problem(s): ${problems[0]?.message ?? ''}`, problems);
  }
  let sourceContext: unknown;
  try {
    sourceContext = await loadIntoEngine(parsed);
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    throw invalid(`the engine cannot load the document: ${firstLine(message)}`, [{ message: firstLine(message) }], err);
  }
  const meta = analyzeDocument(parsed);
  if (!meta.processes.length) throw invalid('the document holds no <process>', [{ message: 'expected at least one <process> element' }]);
  return { xml, meta, sourceContext, definitionsId: String(parsed.rootElement.id ?? '') };
}
