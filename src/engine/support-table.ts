// What procflow executes of a BPMN 2.0 model, element type by element type and attribute by
// attribute: the one table the deploy-time lint (model-lint.ts) checks every parsed element
// against, and from which the support table of docs/modelling.md is generated.

/**
 * - `supported`: executed as BPMN / Camunda 7 describe it.
 * - `descriptive`: carries no behaviour (ids, names, diagram, documentation): nothing to execute.
 * - `partly`: executed, but not all of it; the note says what is not done.
 * - `ignored`: deployed, not executed; the note says what happens instead.
 * - `refused`: the deploy is answered 400 naming the element.
 */
export type Support = 'supported' | 'descriptive' | 'partly' | 'ignored' | 'refused';

export interface SupportEntry {
  /** An element type (`bpmn:UserTask`, `camunda:TaskListener`) or an attribute (`camunda:asyncBefore`). */
  key: string;
  kind: 'element' | 'attribute';
  /** Element types (or their supertypes) the entry applies to; absent: every element that may carry it. */
  on?: readonly string[];
  support: Support;
  /** For partly / ignored / refused: what is not done, or what happens instead. For the others, what procflow does. */
  note: string;
  /** Only these values are supported; any other value is `otherValues`. */
  values?: readonly string[];
  /** `values` match in any case (`juel`, `JUEL`). */
  ignoreCase?: boolean;
  otherValues?: { support: Exclude<Support, 'supported' | 'descriptive'>; note: string };
}

const el = (key: string, support: Support, note: string, extra: Partial<SupportEntry> = {}): SupportEntry => ({
  key,
  kind: 'element',
  support,
  note,
  ...extra,
});
const at = (key: string, on: readonly string[] | undefined, support: Support, note: string, extra: Partial<SupportEntry> = {}): SupportEntry => ({
  key,
  kind: 'attribute',
  ...(on ? { on } : {}),
  support,
  note,
  ...extra,
});

const SERVICE_LIKE = ['bpmn:ServiceTask', 'bpmn:SendTask', 'bpmn:BusinessRuleTask'];
const ASYNC_NOTE =
  'no job is made: the element runs in the same event and transaction as the step that reached it, and a failure there is an incident of that event';
const NOT_A_SCRIPT = 'procflow runs no scripts from models';
const JUEL = { values: ['juel'], ignoreCase: true } as const;

/** Every element type and attribute procflow has a word for; anything else is reported as not listed. */
export const SUPPORT_TABLE: readonly SupportEntry[] = [
  // Structure and description.
  el('bpmn:Definitions', 'supported', 'the document; its processes become definitions'),
  el('bpmn:Process', 'supported', 'an executable process with a none or message start event becomes a definition'),
  el('bpmn:Collaboration', 'supported', 'pools of one file run in one instance, started by message flows'),
  el('bpmn:Participant', 'supported', 'a pool: its processRef is run'),
  el('bpmn:MessageFlow', 'supported', 'delivers a message from one pool to another in the same instance'),
  el('bpmn:LaneSet', 'supported', 'lanes of a process'),
  el('bpmn:Lane', 'supported', 'a user task without candidate groups is offered to the group named as its lane (lower-cased)'),
  el(
    'bpmn:SequenceFlow',
    'supported',
    'as bpmn-engine; conditions are Camunda expressions; several flows from one activity to the same target each carry a token (not into a parallel or inclusive join). An activity reached by a second token while it runs runs that token after the first (bpmn-elements runs one token of an activity at a time; Camunda 7 runs them side by side)',
  ),
  el('bpmn:ExtensionElements', 'descriptive', 'the container of Camunda extensions; each one is checked on its own'),
  el('bpmn:Documentation', 'descriptive', 'shown nowhere, executed never'),
  el('bpmn:TextAnnotation', 'descriptive', 'a note on the diagram'),
  el('bpmn:Association', 'descriptive', 'connects an annotation or artifact'),
  el('bpmn:Group', 'descriptive', 'a frame on the diagram'),
  el('bpmn:Category', 'descriptive', 'names groups'),
  el('bpmn:CategoryValue', 'descriptive', 'names a group'),
  el('bpmn:ItemDefinition', 'descriptive', 'a type declaration; variables are not type-checked against it'),
  el('bpmn:Relationship', 'descriptive', 'relates the document to others; no effect on execution'),
  el('bpmn:Resource', 'descriptive', 'a declared resource; user tasks are assigned by their own attributes'),
  el('bpmn:FormalExpression', 'supported', 'a Camunda expression (`${…}`) or a literal, evaluated by procflow’s safe evaluator'),
  el('bpmn:Expression', 'supported', 'as bpmn:FormalExpression'),
  el('bpmn:Message', 'supported', 'correlated by its name'),
  el('bpmn:Signal', 'supported', 'broadcast by its name'),
  el('bpmn:Error', 'supported', 'matched by its errorCode'),
  el('bpmn:Escalation', 'supported', 'matched by its escalationCode'),
  // Events.
  el('bpmn:StartEvent', 'supported', 'none, message, signal and timer start events (see "What a definition is")'),
  el('bpmn:EndEvent', 'supported', 'as bpmn-engine; signal, error, escalation, compensation and terminate end events included'),
  el('bpmn:IntermediateCatchEvent', 'supported', 'message, timer, signal, conditional, link; without a definition it waits for an operator trigger'),
  el('bpmn:IntermediateThrowEvent', 'supported', 'none, signal (to every waiting instance and signal start event), escalation, compensation, link'),
  el(
    'bpmn:BoundaryEvent',
    'supported',
    'timer, message, signal, error, escalation, conditional, compensation; interrupting or not. A non-interrupting message or signal boundary catches every message or signal while its activity runs (also across restarts), a non-interrupting timer cycle each time it is due',
  ),
  el('bpmn:MessageEventDefinition', 'supported', 'a message subscription (catch) or a message (throw)'),
  el(
    'bpmn:TimerEventDefinition',
    'supported',
    'a durable job on the service clock, also when it is due at once (PT0S, a date passed): it fires when the job executor runs it, not in the event that reached it',
  ),
  el(
    'bpmn:SignalEventDefinition',
    'supported',
    'a signal subscription (on a start event: a new instance per signal), or a broadcast to every waiting instance and signal start event',
  ),
  el(
    'bpmn:ErrorEventDefinition',
    'supported',
    'a BPMN error thrown or caught by its errorCode; the innermost handler catches it (an error event sub-process of the scope of the throw before the boundary events of that scope); a boundary error event catches only what its own activity or something inside it throws, never an error thrown on another path; an error start event without errorRef catches any error no other event sub-process of its scope names; a `BpmnError` a service task handler throws or an external-task worker reports is caught the same way (a boundary event of the task, an error event sub-process of its scope, a boundary event of an enclosing sub-process); an error nothing catches ends the execution that threw it without taking its outgoing flows, as in Camunda 7 (PROCFLOW_UNHANDLED_BPMN_ERROR=fail refuses the event, or the worker’s call, instead with 422 BPMN_ERROR_UNHANDLED)',
  ),
  el('bpmn:EscalationEventDefinition', 'supported', 'an escalation thrown or caught by its escalationCode'),
  el(
    'bpmn:ConditionalEventDefinition',
    'partly',
    'a conditional start event of an event sub-process is evaluated while its scope runs: as the instance starts and whenever a variable is set or deleted over the API, not when a task, a service or a mapping sets one, nor when a sub-process holding it begins; a non-interrupting one does not start again while its previous run is still going',
    { on: ['bpmn:StartEvent'] },
  ),
  el('bpmn:ConditionalEventDefinition', 'supported', 'evaluated when the event is reached and whenever a variable is set or deleted over the API'),
  el('bpmn:TerminateEventDefinition', 'supported', 'ends the whole instance, as bpmn-engine'),
  el(
    'bpmn:LinkEventDefinition',
    'supported',
    'a link throw continues at the link catch of the same name, once per throw (several throws reaching the catch one after the other or at once); what follows the catch runs one token at a time, so a second token waits until the first has left the activity after the catch, where Camunda 7 runs both at once; two catches of one name in a scope, or a catch after an event-based gateway, are refused at deploy',
  ),
  el(
    'bpmn:CompensateEventDefinition',
    'partly',
    'a compensation boundary event records its activity when it completes (kept with the instance state, so across restarts); a compensation throw or end event runs the handlers of what completed in its scope, sub-processes included, newest first, and waits for them. A multi-instance activity is compensated once per completed instance: its handler runs for all of them at once (a parallel multi-instance of the handler), each run seeing the loopCounter of the instance it compensates (not its element variable). Not done: compensation event sub-processes are not started by it; a multi-instance activity is compensated only once all its instances have completed; a handler of an activity inside a sub-process runs at process level and sees the process variables, not those of the sub-process; inside a transaction compensation is left to bpmn-engine',
  ),
  el('bpmn:CancelEventDefinition', 'partly', 'run by bpmn-engine as it comes (transactions); procflow does not test it'),
  // Activities.
  el('bpmn:Task', 'supported', 'passes through at once'),
  el('bpmn:ManualTask', 'supported', 'passes through at once, as in Camunda 7'),
  el('bpmn:UserTask', 'supported', 'a task row in the task list'),
  el('bpmn:ServiceTask', 'supported', 'runs a handler or waits for an external worker (camunda:topic), or evaluates camunda:expression'),
  el('bpmn:SendTask', 'supported', 'as a service task (camunda:topic or camunda:expression)'),
  el('bpmn:BusinessRuleTask', 'partly', 'as a service task (camunda:topic or camunda:expression); DMN decisions are not evaluated'),
  el('bpmn:ReceiveTask', 'supported', 'a message subscription; without a message it waits for an operator trigger'),
  el('bpmn:ScriptTask', 'supported', 'a juel script (one expression) is evaluated by procflow’s safe evaluator; other script formats: see bpmn:scriptFormat'),
  el(
    'bpmn:CallActivity',
    'supported',
    'starts the called process as an instance of its own; a BPMN error the called instance does not catch is thrown at the call activity at once (while the called instance still runs, too): a boundary event of the call activity, an error event sub-process of its scope, a boundary event of an enclosing sub-process, or the same further out and in the callers of the caller catch it, and the call activity and the instances it called end; camunda:out variables are passed back first, caught or not; caught nowhere, the call activity waits on',
  ),
  el(
    'bpmn:SubProcess',
    'supported',
    'embedded and event sub-processes, as bpmn-engine; event sub-processes are also started by timers (host timers), messages and signals from outside, conditions and catch-all error start events',
  ),
  el('bpmn:Transaction', 'partly', 'run by bpmn-engine as a sub-process with cancel events; procflow does not test it'),
  el('bpmn:MultiInstanceLoopCharacteristics', 'supported', 'parallel and sequential, by cardinality or collection; at most 10,000 iterations'),
  el('bpmn:StandardLoopCharacteristics', 'supported', 'as bpmn-engine: loopCondition, loopMaximum, testBefore'),
  el('bpmn:PotentialOwner', 'supported', 'candidate users `user(x)` and groups `group(x)` of a user task'),
  el('bpmn:HumanPerformer', 'supported', 'the assignee of a user task'),
  el('bpmn:ResourceAssignmentExpression', 'supported', 'the expression of a potential owner or performer'),
  el('bpmn:Performer', 'ignored', 'no one is assigned by it; use potentialOwner, humanPerformer or camunda:assignee'),
  // Gateways.
  el(
    'bpmn:ExclusiveGateway',
    'supported',
    'as bpmn-engine; a merge passes on every token that reaches it; no true condition and no default flow gives an incident',
  ),
  el('bpmn:ParallelGateway', 'supported', 'as bpmn-engine'),
  el(
    'bpmn:InclusiveGateway',
    'supported',
    'a split takes every flow whose condition holds (the default flow when none does; no flow: the instance fails there). A join (several incoming flows) fires as in Camunda 7: once a token has arrived on as many flows as lead into it, or once no other token of its scope (a task or sub-process that runs or waits there, a call activity, an event-based gateway, a multi-instance activity) lies on a path to it; a not-taken flow is not waited for. The tokens it holds are kept in the instance state and are held again after a restart. Where Camunda 7 looks only when a token arrives, procflow also looks when a token of its scope leaves an activity, so a join whose last other token ended without reaching it fires, where Camunda 7 would wait forever. Boundary events and event sub-processes are subscriptions, not tokens that can reach it (as in Camunda 7). partly: a join that holds a token is not listed among the activities the instance waits at (`waitingAt`), where the activity instance tree of Camunda 7 shows the gateway',
  ),
  el(
    'bpmn:EventBasedGateway',
    'supported',
    'as bpmn-engine: the first of its events to arrive wins; a timer due at once is a job, so a message or signal that comes before the job runs wins',
  ),
  // Data: procflow keeps process variables only.
  el('bpmn:DataObject', 'ignored', 'holds no value in procflow: tasks read and write process variables'),
  el('bpmn:DataObjectReference', 'ignored', 'holds no value in procflow: tasks read and write process variables'),
  el('bpmn:DataStore', 'ignored', 'nothing is stored in it'),
  el('bpmn:DataStoreReference', 'ignored', 'nothing is read from or written to it'),
  el('bpmn:DataInputAssociation', 'ignored', 'no value is copied: the task sees the process variables'),
  el('bpmn:DataOutputAssociation', 'ignored', 'no value is copied: the task’s result goes to the process variables'),
  el('bpmn:InputOutputSpecification', 'ignored', 'its data inputs and outputs get no values; use camunda:inputOutput'),
  el('bpmn:Property', 'ignored', 'no variable is made from it'),
  el('bpmn:Interface', 'ignored', 'no operation of it is called'),
  el('bpmn:Operation', 'ignored', 'not called'),
  el('bpmn:Import', 'ignored', 'the imported document is not read'),
  el('bpmn:GlobalTask', 'ignored', 'not executed: set aside when the engine loads the document; a call activity naming it finds no process (an incident)'),
  el('bpmn:GlobalUserTask', 'ignored', 'not executed: set aside when the engine loads the document; a call activity naming it finds no process (an incident)'),
  // Camunda extension elements.
  el('camunda:FormData', 'supported', 'the form of a user task or start event; completion values are validated'),
  el('camunda:FormField', 'supported', 'a form field: id, label, type, defaultValue, enum values, the required constraint'),
  el('camunda:Value', 'supported', 'an enum value of a form field'),
  el('camunda:Validation', 'supported', 'the constraints of a form field'),
  el('camunda:Constraint', 'supported', 'a form field constraint'),
  el(
    'camunda:InputOutput',
    'partly',
    'on a multi-instance activity the inputs are evaluated once, when the activity is entered (without `loopCounter`), not for each instance; a call activity’s `calledElement` expression does not see its inputs (bpmn-elements evaluates it without the activity)',
  ),
  el(
    'camunda:InputParameter',
    'supported',
    'a local variable of the activity, set when it is entered: seen by its expressions, its boundary events and what runs inside it, not a process variable, gone when it ends',
  ),
  el(
    'camunda:OutputParameter',
    'supported',
    'evaluated with the activity’s local variables and the values it ended with, and set in the scope around it when it ends (not when it is interrupted)',
  ),
  el('camunda:List', 'supported', 'a list value of a parameter'),
  el('camunda:Map', 'supported', 'a map value of a parameter'),
  el('camunda:Entry', 'supported', 'an entry of a map value'),
  el(
    'camunda:Script',
    'supported',
    'a juel script (one expression) of a parameter or a listener is evaluated by procflow’s safe evaluator; other script formats: see camunda:scriptFormat',
  ),
  el('camunda:In', 'supported', 'variables passed to a called instance'),
  el('camunda:Out', 'supported', 'variables passed back from a called instance'),
  el('camunda:FailedJobRetryTimeCycle', 'supported', 'retry count and interval of a failing handler (`R5/PT5M`)', { on: SERVICE_LIKE }),
  el('camunda:FailedJobRetryTimeCycle', 'ignored', 'only service tasks with a handler are retried; here the cycle is not read'),
  el(
    'camunda:ExecutionListener',
    'partly',
    'a camunda:expression or a juel camunda:script, evaluated by procflow’s safe evaluator: at the start and end of the process, a sub-process, an activity, an event or a gateway (end also when a running activity is interrupted; a boundary event’s, or an event’s after an event-based gateway, when it fires), at the take of a sequence flow; what it sets is a process variable, committed with the event; one that cannot be evaluated fails the instance with an incident at its element; camunda:class and camunda:delegateExpression listeners are refused at deploy. Not done: nothing runs when an instance is cancelled over the API; the end of an event-based gateway comes after the event that fired it',
  ),
  el(
    'camunda:TaskListener',
    'supported',
    'a camunda:expression or a juel camunda:script, evaluated by procflow’s safe evaluator at create (when the task opens), assignment (after create when it opens with an assignee; claim, unclaim and assign over the API) and complete (before the task ends, in the completing event); what it sets is a process variable, committed with the event; one that cannot be evaluated fails the instance with an incident at the task; camunda:class and camunda:delegateExpression listeners are refused at deploy',
  ),
  el(
    'camunda:Field',
    'ignored',
    'field injection serves Java delegates and class listeners, which procflow refuses; an expression or script listener reads no fields',
  ),
  el('camunda:Connector', 'ignored', 'the connector is not called; a service task runs its camunda:topic or camunda:expression'),
  el('camunda:Properties', 'ignored', 'extension properties are not read by procflow'),
  el('camunda:Property', 'ignored', 'not read by procflow'),
  el('camunda:FormProperty', 'ignored', 'the form shows camunda:formData fields only'),
  el('camunda:PotentialStarter', 'ignored', 'use camunda:candidateStarterGroups / camunda:candidateStarterUsers on the process'),
  el('camunda:ErrorEventDefinition', 'ignored', 'an external task’s error expressions are not evaluated'),

  // Attributes that describe and structure: nothing to execute.
  at('bpmn:id', undefined, 'descriptive', 'identifies the element'),
  at('bpmn:name', undefined, 'descriptive', 'shown in the UI and history'),
  at('di:id', undefined, 'descriptive', 'identifies a diagram element'),
  at('bpmn:incoming', undefined, 'supported', 'the flows into a node'),
  at('bpmn:outgoing', undefined, 'supported', 'the flows out of a node'),
  at('bpmn:default', ['bpmn:Gateway', 'bpmn:Activity'], 'supported', 'the flow taken when no condition is true'),
  at('bpmn:targetNamespace', ['bpmn:Definitions'], 'descriptive', 'the document’s namespace'),
  at('bpmn:exporter', ['bpmn:Definitions'], 'descriptive', 'the tool that wrote the file'),
  at('bpmn:exporterVersion', ['bpmn:Definitions'], 'descriptive', 'the version of that tool'),
  at('bpmn:typeLanguage', ['bpmn:Definitions'], 'descriptive', 'variables are JSON values whatever it names'),
  at('bpmn:expressionLanguage', ['bpmn:Definitions'], 'descriptive', 'every expression is read by procflow’s evaluator whatever it names'),
  at('camunda:diagramRelationId', ['bpmn:Definitions'], 'descriptive', 'Camunda Modeler’s diagram id'),
  at('camunda:modelerTemplate', undefined, 'descriptive', 'the element template the modeler used'),
  at('camunda:modelerTemplateVersion', undefined, 'descriptive', 'the element template version the modeler used'),
  at('bpmn:text', ['bpmn:TextAnnotation', 'bpmn:Documentation'], 'descriptive', 'text'),
  at('bpmn:textFormat', ['bpmn:TextAnnotation', 'bpmn:Documentation'], 'descriptive', 'text format'),
  at('bpmn:sourceRef', ['bpmn:Association'], 'descriptive', 'what the association connects'),
  at('bpmn:targetRef', ['bpmn:Association'], 'descriptive', 'what the association connects'),
  at('bpmn:associationDirection', ['bpmn:Association'], 'descriptive', 'an arrow head'),
  at('bpmn:categoryValueRef', undefined, 'descriptive', 'the group the element is drawn in'),
  at('bpmn:value', ['bpmn:CategoryValue'], 'descriptive', 'the label'),
  at('bpmn:structureRef', ['bpmn:ItemDefinition'], 'descriptive', 'the type'),
  at('bpmn:isCollection', ['bpmn:ItemDefinition'], 'descriptive', 'the type'),
  at('bpmn:itemKind', ['bpmn:ItemDefinition'], 'descriptive', 'the type'),
  at('bpmn:import', ['bpmn:ItemDefinition'], 'descriptive', 'the type'),
  // Process.
  at('bpmn:isExecutable', ['bpmn:Process'], 'supported', 'a non-executable process is deployed but not startable; absent means executable'),
  at('bpmn:isClosed', ['bpmn:Process'], 'descriptive', 'no effect on execution'),
  at('bpmn:processType', ['bpmn:Process'], 'descriptive', 'no effect on execution'),
  at('bpmn:processRef', ['bpmn:Participant'], 'supported', 'the process of the pool'),
  at('camunda:candidateStarterGroups', ['bpmn:Process'], 'supported', 'who may start the process'),
  at('camunda:candidateStarterUsers', ['bpmn:Process'], 'supported', 'who may start the process'),
  at('camunda:historyTimeToLive', ['bpmn:Process'], 'supported', 'how long ended instances are kept (docs/operations.md)'),
  at('camunda:versionTag', ['bpmn:Process'], 'ignored', 'not stored: versions are numbered per deployment, and a call activity cannot select a version by tag'),
  at('camunda:isStartableInTasklist', ['bpmn:Process'], 'ignored', 'the web UI offers every startable definition'),
  at('camunda:jobPriority', undefined, 'ignored', 'procflow’s jobs are run in due order, without priorities'),
  at('camunda:taskPriority', ['bpmn:Process'], 'ignored', 'only a service task’s own camunda:taskPriority sets an external task’s priority'),
  at('camunda:taskPriority', SERVICE_LIKE, 'supported', 'the priority of an external task (a number or an expression)'),
  at('bpmn:flowNodeRef', ['bpmn:Lane'], 'supported', 'the nodes in the lane'),
  at('bpmn:partitionElementRef', ['bpmn:Lane'], 'descriptive', 'no effect on execution'),
  // Flows and gateways.
  at('bpmn:sourceRef', ['bpmn:SequenceFlow', 'bpmn:MessageFlow'], 'supported', 'where the flow starts'),
  at('bpmn:targetRef', ['bpmn:SequenceFlow', 'bpmn:MessageFlow'], 'supported', 'where the flow ends'),
  at('bpmn:messageRef', ['bpmn:MessageFlow'], 'descriptive', 'the message drawn on the flow; delivery follows the catching event’s message'),
  at('bpmn:isImmediate', ['bpmn:SequenceFlow'], 'descriptive', 'no effect on execution'),
  at('bpmn:gatewayDirection', ['bpmn:Gateway'], 'descriptive', 'the flows decide; no effect on execution'),
  at('bpmn:eventGatewayType', ['bpmn:EventBasedGateway'], 'supported', 'Exclusive', {
    values: ['Exclusive'],
    otherValues: { support: 'ignored', note: 'read as Exclusive: the first event to arrive wins' },
  }),
  at('bpmn:instantiate', ['bpmn:EventBasedGateway', 'bpmn:ReceiveTask'], 'ignored', 'it does not start instances; a process is started by its start events'),
  // Activities.
  at('camunda:async', undefined, 'ignored', ASYNC_NOTE),
  at('camunda:asyncBefore', undefined, 'ignored', ASYNC_NOTE),
  at('camunda:asyncAfter', undefined, 'ignored', ASYNC_NOTE),
  at('camunda:exclusive', undefined, 'ignored', 'no job is made (see camunda:asyncBefore), so there is nothing to run exclusively'),
  at(
    'bpmn:isForCompensation',
    ['bpmn:Activity'],
    'partly',
    'a compensation handler, run only when compensation reaches the activity whose compensation boundary event its association comes from (a handler no association leads to never runs); what compensation does not do: bpmn:CompensateEventDefinition',
  ),
  at('bpmn:startQuantity', ['bpmn:Activity'], 'ignored', 'the activity starts on one token, as if 1'),
  at('bpmn:completionQuantity', ['bpmn:Activity'], 'ignored', 'the activity gives one token to each outgoing flow, as if 1'),
  at('bpmn:implementation', ['bpmn:UserTask', 'bpmn:ReceiveTask', 'bpmn:GlobalUserTask'], 'descriptive', 'no effect on execution'),
  at('bpmn:implementation', SERVICE_LIKE, 'ignored', 'not called: a service task runs its camunda:topic or camunda:expression'),
  at('bpmn:operationRef', undefined, 'ignored', 'the operation is not called'),
  at('bpmn:messageRef', ['bpmn:ReceiveTask'], 'supported', 'the message the task waits for'),
  at('bpmn:messageRef', ['bpmn:SendTask'], 'ignored', 'no message is sent: a send task runs as a service task'),
  at('bpmn:triggeredByEvent', ['bpmn:SubProcess'], 'supported', 'an event sub-process'),
  at('bpmn:attachedToRef', ['bpmn:BoundaryEvent'], 'supported', 'the activity the event is attached to'),
  at('bpmn:cancelActivity', ['bpmn:BoundaryEvent'], 'supported', 'interrupting or not'),
  at('bpmn:isInterrupting', ['bpmn:StartEvent'], 'supported', 'an interrupting or non-interrupting event sub-process'),
  at('bpmn:parallelMultiple', ['bpmn:CatchEvent'], 'ignored', 'any one of the event’s definitions triggers it, as if false'),
  // User tasks and forms.
  at('camunda:assignee', ['bpmn:UserTask'], 'supported', 'the task’s assignee (literal or expression)'),
  at('camunda:candidateGroups', ['bpmn:UserTask'], 'supported', 'who may claim the task'),
  at('camunda:candidateUsers', ['bpmn:UserTask'], 'supported', 'who may claim the task'),
  at('camunda:dueDate', ['bpmn:UserTask'], 'supported', 'the task’s due date'),
  at('camunda:followUpDate', ['bpmn:UserTask'], 'supported', 'the task’s follow-up date'),
  at('camunda:priority', ['bpmn:UserTask'], 'supported', 'the task’s priority'),
  at('camunda:initiator', ['bpmn:StartEvent'], 'supported', 'the variable holding the starting user'),
  at('camunda:formKey', undefined, 'ignored', 'no external form is looked up: procflow’s form shows the camunda:formData fields (none without them)'),
  at('camunda:formRef', undefined, 'ignored', 'no Camunda Form is looked up: procflow’s form shows the camunda:formData fields (none without them)'),
  at('camunda:formRefBinding', undefined, 'ignored', 'see camunda:formRef'),
  at('camunda:formRefVersion', undefined, 'ignored', 'see camunda:formRef'),
  at('camunda:formHandlerClass', undefined, 'ignored', 'no Java form handler is run'),
  at('camunda:businessKey', ['camunda:FormData'], 'ignored', 'the start form’s field does not become the business key; pass businessKey when starting'),
  at('camunda:id', ['camunda:FormField', 'camunda:Value'], 'supported', 'the variable name / enum value'),
  at('camunda:label', ['camunda:FormField'], 'supported', 'shown in the task form'),
  at('camunda:type', ['camunda:FormField'], 'supported', 'string, long, boolean, date, enum', {
    values: ['string', 'long', 'boolean', 'date', 'enum'],
    otherValues: { support: 'partly', note: 'an unknown form field type is read as string' },
  }),
  at('camunda:defaultValue', ['camunda:FormField'], 'supported', 'the field’s initial value'),
  at('camunda:datePattern', ['camunda:FormField'], 'ignored', 'dates are ISO 8601'),
  at('camunda:name', ['camunda:Value'], 'supported', 'the enum value’s label'),
  at('camunda:name', ['camunda:Constraint'], 'supported', 'required', {
    values: ['required'],
    otherValues: { support: 'ignored', note: 'only the required constraint is checked; the value is accepted without it' },
  }),
  at('camunda:config', ['camunda:Constraint'], 'ignored', 'only the required constraint is checked'),
  // Service-like tasks.
  at('camunda:type', SERVICE_LIKE, 'supported', 'external', {
    values: ['external'],
    otherValues: { support: 'ignored', note: 'only camunda:type="external" gives the task a topic; this task gets no handler from it' },
  }),
  at('camunda:topic', SERVICE_LIKE, 'supported', 'the handler or external worker topic'),
  at('camunda:expression', SERVICE_LIKE, 'supported', 'evaluated when the task runs'),
  at('camunda:resultVariable', SERVICE_LIKE, 'supported', 'the variable the expression’s value goes to'),
  // Listeners.
  at('camunda:expression', ['camunda:ExecutionListener', 'camunda:TaskListener'], 'supported', 'evaluated when the listener’s event happens'),
  at('camunda:event', ['camunda:ExecutionListener'], 'supported', 'start, end, take (a sequence flow’s listener without it: take)', {
    values: ['start', 'end', 'take'],
    otherValues: { support: 'ignored', note: 'the listener is never called: procflow calls execution listeners at start, end and take' },
  }),
  at('camunda:event', ['camunda:TaskListener'], 'supported', 'create, assignment, complete', {
    values: ['create', 'assignment', 'complete'],
    otherValues: {
      support: 'ignored',
      note: 'the listener is never called (update, delete and timeout are not): procflow calls task listeners at create, assignment and complete',
    },
  }),
  at('camunda:id', ['camunda:TaskListener'], 'descriptive', 'names a timeout listener, which is not called'),
  // Script tasks.
  at('bpmn:scriptFormat', ['bpmn:ScriptTask'], 'supported', 'juel, in any case: the script is one expression', {
    ...JUEL,
    otherValues: { support: 'ignored', note: `the script is not run (${NOT_A_SCRIPT}): the instance fails with an incident when it reaches the task` },
  }),
  at('bpmn:script', ['bpmn:ScriptTask'], 'supported', 'the juel expression (`${…}`, `#{…}` or literal text) evaluated when the task runs'),
  at('camunda:resultVariable', ['bpmn:ScriptTask'], 'supported', 'the variable the script’s value goes to'),
  at(
    'camunda:resource',
    ['bpmn:ScriptTask', 'camunda:Script'],
    'ignored',
    'no external script is read: a script with no text of its own fails with an incident when it runs',
  ),
  at('camunda:scriptFormat', ['camunda:Script'], 'supported', 'juel, in any case: the script is one expression', {
    ...JUEL,
    otherValues: {
      support: 'ignored',
      note: `the script is not run (${NOT_A_SCRIPT}): the instance fails with an incident when the parameter or listener is evaluated`,
    },
  }),
  at('camunda:class', undefined, 'refused', 'procflow runs no Java: 400 BPMN_INVALID naming the element'),
  at('camunda:delegateExpression', undefined, 'refused', 'procflow runs no Java: 400 BPMN_INVALID naming the element'),
  at('camunda:decisionRef', ['bpmn:BusinessRuleTask'], 'ignored', 'no DMN decision is evaluated'),
  at('camunda:decisionRefBinding', ['bpmn:BusinessRuleTask'], 'ignored', 'no DMN decision is evaluated'),
  at('camunda:decisionRefVersion', ['bpmn:BusinessRuleTask'], 'ignored', 'no DMN decision is evaluated'),
  at('camunda:decisionRefTenantId', ['bpmn:BusinessRuleTask'], 'ignored', 'no DMN decision is evaluated'),
  at('camunda:mapDecisionResult', ['bpmn:BusinessRuleTask'], 'ignored', 'no DMN decision is evaluated'),
  // Call activities.
  at('bpmn:calledElement', ['bpmn:CallActivity'], 'supported', 'the process id (or an expression) called'),
  at('camunda:calledElementBinding', ['bpmn:CallActivity'], 'supported', 'latest, deployment, version', {
    values: ['latest', 'deployment', 'version'],
    otherValues: { support: 'ignored', note: 'read as latest (versionTag bindings are not supported)' },
  }),
  at('camunda:calledElementVersion', ['bpmn:CallActivity'], 'supported', 'the version called with binding version'),
  at('camunda:calledElementVersionTag', ['bpmn:CallActivity'], 'ignored', 'the latest version is called'),
  at('camunda:calledElementTenantId', ['bpmn:CallActivity'], 'ignored', 'procflow has no tenants'),
  at('camunda:caseRef', ['bpmn:CallActivity'], 'ignored', 'no CMMN case is started'),
  at('camunda:caseBinding', ['bpmn:CallActivity'], 'ignored', 'no CMMN case is started'),
  at('camunda:caseVersion', ['bpmn:CallActivity'], 'ignored', 'no CMMN case is started'),
  at('camunda:caseTenantId', ['bpmn:CallActivity'], 'ignored', 'no CMMN case is started'),
  at('camunda:variableMappingClass', ['bpmn:CallActivity'], 'ignored', 'no Java mapping runs; only camunda:in / camunda:out pass variables'),
  at('camunda:variableMappingDelegateExpression', ['bpmn:CallActivity'], 'ignored', 'no Java mapping runs; only camunda:in / camunda:out pass variables'),
  at('camunda:source', ['camunda:In', 'camunda:Out'], 'supported', 'the variable passed'),
  at('camunda:sourceExpression', ['camunda:In', 'camunda:Out'], 'supported', 'the expression passed'),
  at('camunda:target', ['camunda:In', 'camunda:Out'], 'supported', 'the variable set'),
  at('camunda:businessKey', ['camunda:In'], 'supported', 'the called instance’s business key'),
  at('camunda:variables', ['camunda:In', 'camunda:Out'], 'supported', 'all', {
    values: ['all'],
    otherValues: { support: 'ignored', note: 'only variables="all" is read' },
  }),
  at('camunda:local', ['camunda:In', 'camunda:Out'], 'ignored', 'the mapping reads and writes the process scope'),
  // Input/output mappings.
  at('camunda:name', ['camunda:InputParameter', 'camunda:OutputParameter'], 'supported', 'the variable set'),
  at('camunda:value', ['camunda:InputParameter', 'camunda:OutputParameter', 'camunda:Entry'], 'supported', 'text or `${expression}`'),
  at('camunda:key', ['camunda:Entry'], 'supported', 'the map key'),
  // Loops.
  at('bpmn:isSequential', ['bpmn:MultiInstanceLoopCharacteristics'], 'supported', 'sequential or parallel'),
  at('camunda:collection', ['bpmn:MultiInstanceLoopCharacteristics'], 'supported', 'the collection iterated'),
  at('camunda:elementVariable', ['bpmn:MultiInstanceLoopCharacteristics'], 'supported', 'the variable holding each item'),
  at('bpmn:loopDataInputRef', ['bpmn:MultiInstanceLoopCharacteristics'], 'supported', 'a variable naming the collection, as Camunda 7 reads it'),
  at('bpmn:testBefore', ['bpmn:StandardLoopCharacteristics'], 'supported', 'as bpmn-engine'),
  at('bpmn:loopMaximum', ['bpmn:StandardLoopCharacteristics'], 'supported', 'as bpmn-engine'),
  // Event definitions.
  at('bpmn:messageRef', ['bpmn:MessageEventDefinition'], 'supported', 'the message caught or thrown'),
  at('bpmn:signalRef', ['bpmn:SignalEventDefinition'], 'supported', 'the signal caught or thrown'),
  at('bpmn:errorRef', ['bpmn:ErrorEventDefinition'], 'supported', 'the error caught or thrown (an unknown ref is the error code)'),
  at('bpmn:escalationRef', ['bpmn:EscalationEventDefinition'], 'supported', 'the escalation caught or thrown'),
  at('bpmn:errorCode', ['bpmn:Error'], 'supported', 'what error boundary events match'),
  at('bpmn:escalationCode', ['bpmn:Escalation'], 'supported', 'what escalation boundary events match'),
  at('bpmn:structureRef', ['bpmn:Error', 'bpmn:Escalation'], 'descriptive', 'no effect on execution'),
  at('bpmn:itemRef', ['bpmn:Message'], 'descriptive', 'no effect on execution'),
  at('bpmn:name', ['bpmn:LinkEventDefinition'], 'supported', 'links a throw to its catch'),
  at('bpmn:source', ['bpmn:LinkEventDefinition'], 'descriptive', 'links are matched by name'),
  at('bpmn:target', ['bpmn:LinkEventDefinition'], 'descriptive', 'links are matched by name'),
  at(
    'bpmn:activityRef',
    ['bpmn:CompensateEventDefinition'],
    'supported',
    'compensates only that activity, or that sub-process and what completed in it; without it, the whole scope of the event',
  ),
  at('bpmn:waitForCompletion', ['bpmn:CompensateEventDefinition'], 'supported', 'true (the default): the event waits until every handler has ended', {
    values: ['true'],
    otherValues: { support: 'ignored', note: 'false is not supported, as in Camunda 7: the event still waits for its handlers' },
  }),
  at('camunda:errorCodeVariable', ['bpmn:ErrorEventDefinition'], 'ignored', 'the caught error’s code is not stored in a variable'),
  at('camunda:errorMessageVariable', ['bpmn:ErrorEventDefinition'], 'ignored', 'the caught error’s message is not stored in a variable'),
  at('camunda:errorMessage', ['bpmn:Error'], 'ignored', 'the thrown error carries the handler’s message'),
  at('camunda:escalationCodeVariable', ['bpmn:EscalationEventDefinition'], 'ignored', 'the caught escalation’s code is not stored in a variable'),
  at('camunda:async', ['bpmn:SignalEventDefinition'], 'ignored', 'the signal is delivered by a job committed with the throwing event in any case'),
  at(
    'camunda:variableName',
    ['bpmn:ConditionalEventDefinition'],
    'ignored',
    'the condition is evaluated whenever any variable is set or deleted over the API, whichever it is',
  ),
  at(
    'camunda:variableEvents',
    ['bpmn:ConditionalEventDefinition'],
    'ignored',
    'the condition is evaluated whenever any variable is set or deleted over the API, create, update and delete alike',
  ),
  at('bpmn:language', ['bpmn:FormalExpression'], 'supported', 'juel, in any case: read by procflow’s evaluator', {
    ...JUEL,
    otherValues: {
      support: 'ignored',
      note: `an expression in a script language is not run (${NOT_A_SCRIPT}): the instance fails with an incident when it is evaluated`,
    },
  }),
  at('camunda:resource', ['bpmn:FormalExpression'], 'ignored', 'no external script or resource is read'),
  at('bpmn:evaluatesToTypeRef', ['bpmn:FormalExpression'], 'descriptive', 'no effect on execution'),
  at('bpmn:resourceRef', ['bpmn:ResourceRole'], 'descriptive', 'the declared resource; the assignment expression decides'),
];

/** The entry that speaks for `key` on an element, or undefined (the lint reports it as not listed). */
export function supportOf(key: string, kind: SupportEntry['kind'], isA: (type: string) => boolean): SupportEntry | undefined {
  let fallback: SupportEntry | undefined;
  for (const entry of SUPPORT_TABLE) {
    if (entry.key !== key || entry.kind !== kind) continue;
    if (!entry.on) fallback ??= entry;
    else if (entry.on.some(isA)) return entry;
  }
  return fallback;
}

const escapeCell = (text: string) => text.replace(/\|/g, '\\|');

/** The generated section of docs/modelling.md: one row per entry of the table. */
export function renderSupportTable(): string {
  const rows = SUPPORT_TABLE.map((e) => {
    const name = e.kind === 'element' ? `\`<${e.key}>\`` : `\`${e.key}\``;
    const where = e.on ? e.on.map((t) => `\`${t}\``).join(', ') : e.kind === 'element' ? 'anywhere' : 'any element';
    const other = e.otherValues ? ` — other values: ${e.otherValues.support}, ${e.otherValues.note}` : '';
    return `| ${name} | ${escapeCell(where)} | ${e.support} | ${escapeCell(e.note + other)} |`;
  });
  return ['| element / attribute | on | support | what procflow does |', '| --- | --- | --- | --- |', ...rows].join('\n');
}
