// The <bpmn:definitions> root of a document.
export const DEFINITIONS = 'bpmn:Definitions';
