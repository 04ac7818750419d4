// Sequence flows (and the other connectors): no activity of their own, never a wait.
export const SEQUENCE_FLOW = 'bpmn:SequenceFlow';

/** Sequence flows, message flows and associations: an api of one of these is a connector. */
export function isConnector(type: string): boolean {
  return /Flow$|Association$/.test(type);
}
