// Boundary events: armed while their activity runs, so they are not where an instance waits.
export const BOUNDARY_EVENT = 'bpmn:BoundaryEvent';

export function isBoundaryEvent(type: string): boolean {
  return type === BOUNDARY_EVENT;
}
