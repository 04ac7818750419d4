// The API's shapes (shared/API.md) as the pages use them.
export interface FormField {
  id: string;
  label: string;
  type: 'string' | 'long' | 'boolean' | 'date' | 'enum';
  required: boolean;
  values?: Array<{ id: string; name: string }>;
  defaultValue?: unknown;
}

export interface Task {
  id: string;
  processInstanceId: string;
  definitionKey: string;
  activityId: string;
  name: string | null;
  candidateGroups: string[];
  assignee: string | null;
  state: 'open' | 'completed' | 'cancelled';
  createdAt: string;
  completedAt: string | null;
  completedBy: string | null;
  form: { fields: FormField[] };
  variables: Record<string, unknown>;
}

export interface WaitingAt {
  activityId: string;
  activityName: string | null;
  type: string;
}

export interface Instance {
  id: string;
  definitionId: string;
  definitionKey: string;
  definitionVersion: number;
  businessKey: string | null;
  state: 'running' | 'completed' | 'failed' | 'cancelled';
  startedAt: string;
  endedAt: string | null;
  variables: Record<string, unknown>;
  waitingAt: WaitingAt[];
  incidents: number;
}

export interface HistoryEntry {
  at: string;
  activityId: string | null;
  activityName: string | null;
  type: string | null;
  event: string;
  by?: string;
}

export interface Incident {
  id: string;
  processInstanceId: string;
  activityId: string | null;
  message: string;
  createdAt: string;
  retries: number;
  state: 'open' | 'resolved';
}

export interface Definition {
  id: string;
  key: string;
  name: string | null;
  version: number;
  deploymentId: string;
  deployedAt: string;
  executable: boolean;
  startable: boolean;
  userTasks: Array<{ id: string; name: string }>;
  messages: string[];
}
