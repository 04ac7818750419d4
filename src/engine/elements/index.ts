// The BPMN concepts procflow gives behaviour to, one file each (as bpmn-elements lays out its
// own source), and the readers that fill an activity's meta from its moddle element at deploy.
import type { ElementReader } from './activity-meta';
import { readCallActivity } from './call-activity';
import { readCompensation } from './compensation';
import { readMessage } from './message';
import { readLoop } from './multi-instance';
import { readRetryCycle, readServiceTopic } from './service-task';
import { readSignal } from './signal';
import { readStartEvent } from './start-event';
import { readTimer } from './timer';
import { readUserTask } from './user-task';

export * from './activity-meta';
export * from './boundary-event';
export * from './call-activity';
export * from './compensation';
export * from './definitions';
export * from './error-event';
export * from './expression-task';
export * from './form-data';
export * from './inclusive-gateway';
export * from './input-output';
export * from './local-variables';
export * from './java-delegate';
export * from './lane';
export * from './link-event';
export * from './listeners';
export * from './manual-task';
export * from './message';
export * from './moddle-element';
export * from './multi-instance';
export * from './process';
export * from './resource-assignment';
export * from './script-task';
export * from './sequence-flow';
export * from './service-task';
export * from './signal';
export * from './start-event';
export * from './sub-process';
export * from './timer';
export * from './user-task';

/** Every element reader, in the order they fill in an activity's meta. */
export const elementReaders: readonly ElementReader[] = [
  readUserTask,
  readStartEvent,
  readMessage,
  readSignal,
  readTimer,
  readRetryCycle,
  readServiceTopic,
  readLoop,
  readCallActivity,
  readCompensation,
];
