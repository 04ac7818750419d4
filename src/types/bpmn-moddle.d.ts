// bpmn-moddle 10 ships ESM with no top-level typings; this is the part procflow uses.
declare module 'bpmn-moddle' {
  export interface ModdleElement {
    $type: string;
    id?: string;
    name?: string;
    $parent?: ModdleElement;
    $attrs?: Record<string, string>;
    get(name: string): unknown;
    [key: string]: unknown;
  }
  export interface ParseResult {
    rootElement: ModdleElement;
    elementsById: Record<string, ModdleElement>;
    references: Array<{ element: ModdleElement; property: string; id: string }>;
    warnings: Array<{ message: string; element?: ModdleElement; property?: string; value?: unknown; error?: Error }>;
  }
  export class BpmnModdle {
    constructor(packages?: Record<string, unknown>, options?: Record<string, unknown>);
    fromXML(xml: string, typeName?: string | Record<string, unknown>, options?: Record<string, unknown>): Promise<ParseResult>;
  }
}
