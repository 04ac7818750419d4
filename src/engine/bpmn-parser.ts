// Reads BPMN XML with one shared bpmn-moddle (building one costs ~3 ms) that knows the Camunda
// extension attributes, and decodes files in the encoding their XML declaration names.
import { BpmnModdle, type ParseResult } from 'bpmn-moddle';
import camundaSchema from 'camunda-bpmn-moddle/resources/camunda.json';

export const moddleOptions = { camunda: camundaSchema as unknown as Record<string, unknown> };

let shared: BpmnModdle | undefined;
function moddle(): BpmnModdle {
  shared ??= new BpmnModdle(moddleOptions);
  return shared;
}

/** Decodes raw bytes: ISO-8859-1/Latin-1 when the XML declaration says so, else UTF-8. */
export function decodeXml(raw: Buffer | string): string {
  if (typeof raw === 'string') return raw.replace(/^\uFEFF/, '');
  const head = raw.subarray(0, 200).toString('latin1');
  const enc = /<\?xml[^>]*encoding\s*=\s*["']([^"']+)["']/i.exec(head)?.[1]?.toLowerCase();
  const latin1 = enc !== undefined && ['iso-8859-1', 'latin1', 'latin-1', 'iso8859-1', 'windows-1252', 'cp1252'].includes(enc);
  return (latin1 ? raw.toString('latin1') : raw.toString('utf8')).replace(/^\uFEFF/, '');
}

export function parseBpmnXml(xml: string): Promise<ParseResult> {
  return moddle().fromXML(xml.trim(), 'bpmn:Definitions');
}

/**
 * `id="task1 "`: moddle drops the whole element ("illegal ID"); Camunda 7 trims it. The blanks are
 * moved outside the quotes (same length, so lines and columns of later messages still hold) in
 * the text that is parsed; the stored XML stays as deployed. Returns the ids it trimmed.
 */
export function trimIds(xml: string): { xml: string; trimmed: string[] } {
  const trimmed: string[] = [];
  const out = xml.replace(/(\sid\s*=\s*")(\s*)([^"\s]+)(\s*)"/g, (whole, open: string, lead: string, id: string, trail: string) => {
    if (!lead && !trail) return whole;
    trimmed.push(id);
    return `${open}${id}"${lead}${trail}`;
  });
  return { xml: out, trimmed };
}

/** Pulls `line: n` / `column: n` out of a moddle-xml message, where it gives them. */
export function lineAndColumn(message: string): { line?: number; column?: number } {
  const line = /line:\s*(\d+)/.exec(message)?.[1];
  const column = /column:\s*(\d+)/.exec(message)?.[1];
  return { ...(line ? { line: Number(line) + 1 } : {}), ...(column ? { column: Number(column) + 1 } : {}) };
}
