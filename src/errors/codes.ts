// The catalogue of stable error codes. docs/errors.md lists every one; a unit test diffs the two.
export const ERROR_CODES = {
  BPMN_INVALID: { status: 400, title: 'The BPMN document is not valid' },
  PAYLOAD_TOO_LARGE: { status: 413, title: 'The request body is too large' },
  VALIDATION_FAILED: { status: 400, title: 'The request is not valid' },
  FORM_INVALID: { status: 400, title: 'The form values are not valid' },
  UNAUTHENTICATED: { status: 401, title: 'A valid bearer token is required' },
  FORBIDDEN: { status: 403, title: 'Not allowed' },
  NOT_A_CANDIDATE: { status: 403, title: 'The caller may not act on this task' },
  NOT_FOUND: { status: 404, title: 'Not found' },
  DEFINITION_NOT_FOUND: { status: 404, title: 'Process definition not found' },
  INSTANCE_NOT_FOUND: { status: 404, title: 'Process instance not found' },
  TASK_NOT_FOUND: { status: 404, title: 'Task not found' },
  INCIDENT_NOT_FOUND: { status: 404, title: 'Incident not found' },
  USER_NOT_FOUND: { status: 404, title: 'User not found' },
  MESSAGE_NOT_CORRELATED: { status: 404, title: 'No instance waits for this message' },
  DEFINITION_NOT_EXECUTABLE: { status: 409, title: 'The process definition cannot be started' },
  TASK_NOT_OPEN: { status: 409, title: 'The task is not open' },
  TASK_ALREADY_CLAIMED: { status: 409, title: 'The task is claimed by someone else' },
  INSTANCE_ENDED: { status: 409, title: 'The process instance has ended' },
  INSTANCE_CONFLICT: { status: 409, title: 'The process instance was changed concurrently' },
  INCIDENT_NOT_OPEN: { status: 409, title: 'The incident is not open' },
  USER_EXISTS: { status: 409, title: 'A user with this name exists' },
  UNSUPPORTED_MEDIA_TYPE: { status: 415, title: 'Unsupported media type' },
  NOT_READY: { status: 503, title: 'The service is not ready' },
  INTERNAL: { status: 500, title: 'Internal error' },
} as const;

export type ErrorCode = keyof typeof ERROR_CODES;
