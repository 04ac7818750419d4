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

const isBlank = (c: string | undefined) => c === ' ' || c === '\t' || c === '\n' || c === '\r';

/**
 * `source ="x"`, `name= "y"`: XML 1.0 allows white space around an attribute's `=` (`Eq ::= S?
 * '=' S?`), Camunda 7 reads it, and saxen (bpmn-moddle's parser) refuses it. In the start tags of
 * the text that is parsed, the blanks around `=` are moved after the value's closing quote (same
 * length, so lines and columns of later messages still hold); attribute values, text, comments,
 * CDATA sections and processing instructions are left as they are. The stored XML stays as deployed.
 */
export function joinAttributeEquals(xml: string): string {
  let out = '';
  let i = 0;
  const n = xml.length;
  const skipTo = (end: string, from: number) => {
    const at = xml.indexOf(end, from);
    return at === -1 ? n : at + end.length;
  };
  while (i < n) {
    const lt = xml.indexOf('<', i);
    if (lt === -1) break;
    out += xml.slice(i, lt);
    let end: number;
    if (xml.startsWith('<!--', lt)) end = skipTo('-->', lt + 4);
    else if (xml.startsWith('<![CDATA[', lt)) end = skipTo(']]>', lt + 9);
    else if (xml.startsWith('<?', lt)) end = skipTo('?>', lt + 2);
    else if (xml.startsWith('<!', lt) || xml.startsWith('</', lt)) end = skipTo('>', lt + 2);
    else {
      const tag = startTag(xml, lt);
      out += tag.text;
      i = tag.end;
      continue;
    }
    out += xml.slice(lt, end);
    i = end;
  }
  return out + xml.slice(i);
}

/** One start tag from `<` on, its `=` joined to the attribute names and values (see joinAttributeEquals). */
function startTag(xml: string, lt: number): { text: string; end: number } {
  let out = '<';
  let i = lt + 1;
  let moved = '';
  while (i < xml.length) {
    const c = xml[i] as string;
    if (c === '"' || c === "'") {
      const close = xml.indexOf(c, i + 1);
      const stop = close === -1 ? xml.length : close + 1;
      out += xml.slice(i, stop) + moved;
      moved = '';
      i = stop;
      continue;
    }
    if (c === '>') return { text: out + moved + '>', end: i + 1 };
    if (isBlank(c)) {
      // Blanks before `=`, or between `=` and the quote, are held and put after the value.
      let j = i;
      while (j < xml.length && isBlank(xml[j])) j++;
      const next = xml[j];
      const afterEquals = out.endsWith('=');
      if (next === '=' || (afterEquals && (next === '"' || next === "'"))) {
        moved += xml.slice(i, j);
        i = j;
        continue;
      }
      out += xml.slice(i, j);
      i = j;
      continue;
    }
    out += c;
    i++;
  }
  return { text: out + moved, end: xml.length };
}

/** Pulls `line: n` / `column: n` out of a moddle-xml message, where it gives them. */
export function lineAndColumn(message: string): { line?: number; column?: number } {
  const line = /line:\s*(\d+)/.exec(message)?.[1];
  const column = /column:\s*(\d+)/.exec(message)?.[1];
  return { ...(line ? { line: Number(line) + 1 } : {}), ...(column ? { column: Number(column) + 1 } : {}) };
}
