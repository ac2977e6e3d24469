// Executes a generated Step Functions state machine with aws-local-stepfunctions (Node 22), once per --input, one
// execution after the other, and prints one JSON line per execution on stdout, in input order:
// {"status":"SUCCEEDED","output":…} or {"status":"FAILED","error","cause"}, with the execution's events. Exit code 0
// whenever the executions ran, whatever their status; 1 when they could not be run.
//
//   node run-machine.mjs --definition <file.asl.json> --lambda-endpoint <http://127.0.0.1:port/> --input '<json>'…
//                        [--substitution Name=Value]… [--retry-interval-ms <n>]
//
// Two things Step Functions does that aws-local-stepfunctions leaves to its user, done here as the service does them:
// - The optimized Lambda integration (arn:aws:states:::lambda:invoke): the library calls a Task's Resource as a function
//   name, so each such Task gets a local handler that calls Lambda's Invoke API (POST /2015-03-31/functions/{name}/invocations,
//   through the AWS SDK) at --lambda-endpoint with Parameters.FunctionName and Parameters.Payload. It answers
//   {"ExecutedVersion","Payload","StatusCode"}; a function error fails the state with the error payload's errorType as
//   the error name and the payload as the cause; an error of the Lambda service itself is Lambda.<exception name>.
// - The Context Object's State (Name, EnteredTime, RetryCount): the library only fills $$.Execution, so the runner keeps
//   $$.State for the state being run, counting the attempts of its Task.
// --substitution fills ${Name} in the definition, as CloudFormation's DefinitionSubstitutions does at deploy time.
// --retry-interval-ms overrides every Retry pause (aws-local-stepfunctions' retryIntervalOverrides), so tests need not
// wait out a policy's backoff; without it the pauses are the definition's own.
import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { StateMachine } from 'aws-local-stepfunctions';

const LAMBDA_INVOKE = 'arn:aws:states:::lambda:invoke';

const { values: args } = parseArgs({
  options: {
    definition: { type: 'string' },
    'lambda-endpoint': { type: 'string' },
    input: { type: 'string', multiple: true, default: [] },
    substitution: { type: 'string', multiple: true, default: [] },
    'retry-interval-ms': { type: 'string' },
  },
});
if (!args.definition || !args['lambda-endpoint'] || args.input.length === 0) {
  console.error('usage: run-machine.mjs --definition <file> --lambda-endpoint <url> --input <json>… [--substitution Name=Value]… [--retry-interval-ms <n>]');
  process.exit(1);
}

let text = await readFile(args.definition, 'utf8');
for (const substitution of args.substitution) {
  const at = substitution.indexOf('=');
  text = text.replaceAll('${' + substitution.slice(0, at) + '}', substitution.slice(at + 1));
}

const definition = JSON.parse(text);
const machine = new StateMachine(definition); // validates it (asl-validator), as CreateStateMachine does

// $$.State of the state being run. StateMachine reads definition.States[name] once as it enters each state (a retry
// re-runs the state without reading it again), so that read marks the entry.
const current = { name: undefined, enteredTime: undefined, attempts: 0 };
const states = definition.States;
definition.States = new Proxy(states, {
  get(target, name, receiver) {
    const state = Reflect.get(target, name, receiver);
    if (typeof name === 'string' && state !== undefined) {
      Object.assign(current, { name, enteredTime: new Date().toISOString(), attempts: 0 });
    }

    return state;
  },
});
const context = {
  State: {
    get Name() { return current.name; },
    get EnteredTime() { return current.enteredTime; },
    get RetryCount() { return current.attempts; },
  },
};

const lambda = new LambdaClient({
  endpoint: args['lambda-endpoint'],
  region: 'us-east-1',
  credentials: { accessKeyId: 'AKIDLOCAL', secretAccessKey: 'local' },
  maxAttempts: 1, // the state machine's Retry is the only retry, as with Step Functions
});

function stateError(name, cause) {
  const error = new Error(cause);
  error.name = name;
  return error;
}

async function invoke(parameters) {
  current.attempts++;
  let response;
  try {
    response = await lambda.send(new InvokeCommand({
      FunctionName: parameters.FunctionName,
      Payload: new TextEncoder().encode(JSON.stringify(parameters.Payload ?? null)),
    }));
  } catch (error) {
    // A service error has an HTTP status; no status means the call never got an answer.
    throw stateError(error.$metadata?.httpStatusCode ? `Lambda.${error.name}` : 'Lambda.SdkClientException', error.message);
  }

  const body = response.Payload ? new TextDecoder().decode(response.Payload) : '';
  if (response.FunctionError) {
    let errorType;
    try {
      errorType = JSON.parse(body).errorType;
    } catch {
      // not JSON: Lambda.Unknown below
    }

    throw stateError(typeof errorType === 'string' && errorType ? errorType : 'Lambda.Unknown', body);
  }

  let payload = body;
  try {
    payload = body ? JSON.parse(body) : null;
  } catch {
    // a text answer stays text
  }

  return { ExecutedVersion: response.ExecutedVersion ?? '$LATEST', Payload: payload, StatusCode: response.StatusCode };
}

const taskResourceLocalHandlers = {};
const retryIntervalOverrides = {};
for (const [name, state] of Object.entries(states)) {
  if (state.Type === 'Task' && state.Resource === LAMBDA_INVOKE) {
    taskResourceLocalHandlers[name] = invoke;
  }

  if (state.Retry && args['retry-interval-ms'] !== undefined) {
    retryIntervalOverrides[name] = Number(args['retry-interval-ms']);
  }
}

for (const input of args.input) {
  process.stdout.write(JSON.stringify(await execute(JSON.parse(input))) + '\n');
}

async function execute(input) {
  const execution = machine.run(input, {
    context,
    overrides: { taskResourceLocalHandlers, retryIntervalOverrides },
  });
  const events = [];
  const logged = (async () => {
    for await (const event of execution.eventLogs) {
      events.push({
        type: event.type,
        timestamp: event.timestamp,
        ...(event.state ? { state: event.state.name } : {}),
        ...(event.Error !== undefined ? { error: event.Error, cause: typeof event.Cause === 'string' ? event.Cause : JSON.stringify(event.Cause) } : {}),
        ...(event.retry ? { retryAttempt: event.retry.attempt } : {}),
        ...(event.catch ? { next: event.catch.catcher.Next } : {}),
      });
    }
  })();

  let outcome;
  try {
    outcome = { status: 'SUCCEEDED', output: await execution.result };
  } catch (error) {
    const failure = error.cause ?? error; // ExecutionError wraps the state's error
    outcome = { status: 'FAILED', error: failure.name, cause: failure.message };
  }

  await logged;
  return { ...outcome, events };
}
