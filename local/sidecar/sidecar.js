'use strict';
// The ASL engine of the local twin. The Java side owns everything observable (executions,
// history, task execution); this process only walks the state machine with
// aws-local-stepfunctions and asks Java to run every Task state.
//
// Protocol: one JSON object per line on stdin (from Java) and stdout (to Java); stderr is a log.
//   in : define {stateMachineArn, definition}   start {executionArn, name, stateMachineArn, input, startTime}
//        taskResult {callId, output}   taskError {callId, error, cause}   stop {executionArn}
//   out: ready   defined {stateMachineArn} | defineFailed {stateMachineArn, message}
//        task {callId, executionArn, state, resource, input}   event {executionArn, event}
//        finished {executionArn, status, output | error, cause}

// aws-local-stepfunctions 3 targets Node 22; Node 20 lacks only this one built-in.
if (typeof Promise.withResolvers !== 'function') {
  Promise.withResolvers = function withResolvers() {
    let resolve;
    let reject;
    const promise = new Promise((res, rej) => {
      resolve = res;
      reject = rej;
    });
    return { promise, resolve, reject };
  };
}

const readline = require('readline');
const { StateMachine, ExecutionError, ExecutionAbortedError, ExecutionTimeoutError } = require('aws-local-stepfunctions');

const machines = new Map(); // stateMachineArn -> { machine, taskResources }
const running = new Map(); // executionArn -> abort function
const pendingTasks = new Map(); // callId -> { resolve, reject }
let nextCallId = 1;

function send(message) {
  process.stdout.write(JSON.stringify(message) + '\n');
}

// Task overrides are keyed by state name, so collect every Task state, nested ones included.
function collectTaskResources(states, into) {
  for (const [name, state] of Object.entries(states || {})) {
    if (state.Type === 'Task') {
      if (into.has(name) && into.get(name) !== state.Resource) {
        throw new Error(`Task state name "${name}" is used twice with different resources`);
      }
      into.set(name, state.Resource);
    }
    const processor = state.ItemProcessor || state.Iterator;
    if (processor) collectTaskResources(processor.States, into);
    for (const branch of state.Branches || []) collectTaskResources(branch.States, into);
  }
  return into;
}

function define(message) {
  try {
    const definition = JSON.parse(message.definition);
    const machine = new StateMachine(definition, { validationOptions: { checkArn: true, checkPaths: true } });
    machines.set(message.stateMachineArn, { machine, taskResources: collectTaskResources(definition.States, new Map()) });
    send({ type: 'defined', stateMachineArn: message.stateMachineArn });
  } catch (error) {
    send({ type: 'defineFailed', stateMachineArn: message.stateMachineArn, message: String(error && error.message || error) });
  }
}

function taskError(error, cause) {
  // aws-local-stepfunctions matches Retry/Catch on error.name and reports message as the Cause.
  const failure = new Error(cause == null ? '' : String(cause));
  failure.name = error;
  return failure;
}

// Events reach stdout through an async generator; letting it drain first keeps the Java side's
// history in execution order (StateEntered before the task it schedules, a retry after its failure).
function drainEventLog() {
  return new Promise((resolve) => setImmediate(resolve));
}

async function callJava(executionArn, state, resource, input) {
  await drainEventLog();
  const callId = nextCallId++;
  const { promise, resolve, reject } = Promise.withResolvers();
  pendingTasks.set(callId, { resolve, reject });
  send({ type: 'task', callId, executionArn, state, resource, input });
  return promise;
}

async function start(message) {
  const entry = machines.get(message.stateMachineArn);
  if (!entry) {
    send({ type: 'finished', executionArn: message.executionArn, status: 'FAILED',
      error: 'States.Runtime', cause: `State machine ${message.stateMachineArn} is not defined in the sidecar` });
    return;
  }
  const handlers = {};
  for (const [state, resource] of entry.taskResources) {
    handlers[state] = (input) => callJava(message.executionArn, state, resource, input);
  }
  const context = {
    Execution: {
      Id: message.executionArn,
      Name: message.name,
      StartTime: message.startTime,
      Input: message.input,
      RoleArn: message.roleArn || 'arn:aws:iam::000000000000:role/warmcache-refresh',
    },
    StateMachine: { Id: message.stateMachineArn, Name: message.stateMachineArn.split(':').pop() },
  };
  let execution;
  try {
    execution = entry.machine.run(message.input, { overrides: { taskResourceLocalHandlers: handlers }, context });
  } catch (error) {
    send({ type: 'finished', executionArn: message.executionArn, status: 'FAILED', error: 'States.Runtime', cause: String(error.message || error) });
    return;
  }
  running.set(message.executionArn, execution.abort);
  const forwarding = (async () => {
    for await (const event of execution.eventLogs) {
      send({ type: 'event', executionArn: message.executionArn, event });
    }
  })().catch((error) => process.stderr.write(`event log of ${message.executionArn} broke: ${error}\n`));
  let outcome;
  try {
    const output = await execution.result;
    outcome = { status: 'SUCCEEDED', output: output === undefined ? null : output };
  } catch (error) {
    if (error instanceof ExecutionAbortedError) {
      outcome = { status: 'ABORTED' };
    } else if (error instanceof ExecutionTimeoutError) {
      outcome = { status: 'TIMED_OUT', error: 'States.Timeout', cause: 'The execution exceeded its TimeoutSeconds' };
    } else if (error instanceof ExecutionError && error.cause) {
      const failure = error.cause;
      outcome = { status: 'FAILED', error: failure.name, cause: failure.cause !== undefined ? stringify(failure.cause) : failure.message };
    } else {
      outcome = { status: 'FAILED', error: 'States.Runtime', cause: String(error && error.message || error) };
    }
  }
  await forwarding;
  running.delete(message.executionArn);
  send({ type: 'finished', executionArn: message.executionArn, ...outcome });
}

function stringify(value) {
  return typeof value === 'string' ? value : JSON.stringify(value);
}

function onMessage(message) {
  switch (message.type) {
    case 'define':
      define(message);
      break;
    case 'start':
      start(message).catch((error) => process.stderr.write(`execution ${message.executionArn} broke: ${error && error.stack}\n`));
      break;
    case 'taskResult':
    case 'taskError': {
      const pending = pendingTasks.get(message.callId);
      if (!pending) return;
      pendingTasks.delete(message.callId);
      if (message.type === 'taskResult') pending.resolve(message.output === undefined ? null : message.output);
      else pending.reject(taskError(message.error, message.cause));
      break;
    }
    case 'stop': {
      const abort = running.get(message.executionArn);
      if (abort) abort();
      break;
    }
    default:
      process.stderr.write(`unknown message type ${message.type}\n`);
  }
}

const lines = readline.createInterface({ input: process.stdin, crlfDelay: Infinity });
lines.on('line', (line) => {
  if (!line.trim()) return;
  let message;
  try {
    message = JSON.parse(line);
  } catch (error) {
    process.stderr.write(`unreadable message: ${line.slice(0, 200)}\n`);
    return;
  }
  onMessage(message);
});
// The Java side owns this process: when it closes stdin, we are done.
lines.on('close', () => process.exit(0));
send({ type: 'ready' });
