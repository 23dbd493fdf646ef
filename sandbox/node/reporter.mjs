// The node:test reporter of the phicode sandbox: one JSON line per finished test or
// suite on its destination (the runner reads them and passes them on to the server).
// It runs in the process of the test file (see sandbox/node_runner.py for why), and
// its lines are read by the runner only.
//
// A test's id is its suites' names and its own, joined by "::" (pytest's node ids).
const names = [];

function message(error) {
  if (!error) return "";
  const cause = error.cause ?? error;
  const text = cause && cause.message !== undefined ? String(cause.message) : String(cause);
  return text.slice(0, 2000);
}

export default async function* phicodeReporter(source) {
  for await (const event of source) {
    const data = event.data ?? {};
    if (event.type === "test:start") {
      names[data.nesting] = data.name;
      names.length = data.nesting + 1;
      continue;
    }
    if (event.type !== "test:pass" && event.type !== "test:fail") continue;
    names[data.nesting] = data.name; // results come children first: the start set the rest
    const details = data.details ?? {};
    const skipped = data.skip !== undefined || data.todo !== undefined;
    yield JSON.stringify({
      event: "test",
      nodeid: names.slice(0, data.nesting + 1).join("::"),
      outcome: skipped ? "skipped" : event.type === "test:pass" ? "passed" : "failed",
      message: event.type === "test:fail" ? message(details.error) : "",
      duration_s: Number(details.duration_ms ?? 0) / 1000,
    }) + "\n";
  }
}
