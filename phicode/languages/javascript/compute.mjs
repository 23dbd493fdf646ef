// The untrusted half of the JavaScript case judge: call the entry point on each case and
// write the results as tagged data. Shipped into a sandbox job as a file, run by Node.js;
// it imports nothing of phicode. Nothing here decides a pass: the host compares the
// values with the expected ones, which never enter the container.
//
// Every intrinsic this uses is taken before the solution is imported, and values are
// read by exact prototype and own data properties, never through the value's own
// methods: a lying valueOf/toJSON/toString, a getter or a Proxy is never called; it is
// "unserializable", which the host counts as a wrong result.
import fs from "node:fs";
import { types } from "node:util";
import vm from "node:vm";

const MARKER = "PHICODE-CASES ";
// One call may run this long: a call that loops for ever (chunk(items, 0)) is stopped and
// is an error of its own, so the other calls of the job still count.
const CALL_MS = 500;
const apply = Reflect.apply; // not the array's own iterator, which the solution may patch
const callContext = vm.createContext({ apply, f: null, args: null });
const callScript = new vm.Script("apply(f, undefined, args)");
const runInContext = Function.prototype.call.bind(vm.Script.prototype.runInContext);
const MAX_DEPTH = 64;
const MAX_ITEMS = 100000;
const { getPrototypeOf, getOwnPropertyNames, getOwnPropertySymbols, getOwnPropertyDescriptor } =
  Object;
const objectIs = Object.is;
const stringify = JSON.stringify;
const parse = JSON.parse;
const writeSync = fs.writeSync;
const readFileSync = fs.readFileSync;
const isProxy = types.isProxy;
const numberToString = Function.prototype.call.bind(Number.prototype.toString);
const bigintToString = Function.prototype.call.bind(BigInt.prototype.toString);
const mapEntries = Function.prototype.call.bind(Map.prototype.entries);
const setValues = Function.prototype.call.bind(Set.prototype.values);
const typedArrayName = Function.prototype.call.bind(
  getOwnPropertyDescriptor(getPrototypeOf(Uint8Array.prototype), Symbol.toStringTag).get,
);
const arrayFrom = Array.from;
const push = Function.prototype.call.bind(Array.prototype.push);
const PROTOS = {
  array: Array.prototype,
  object: Object.prototype,
  map: Map.prototype,
  set: Set.prototype,
  promise: Promise.prototype,
};

class Unserializable extends Error {}

function number(value) {
  if (objectIs(value, -0)) return "-0";
  return numberToString(value); // NaN, Infinity and every double, round-trip exact
}

function tagged(value, depth, budget) {
  budget.left -= 1;
  if (depth > MAX_DEPTH || budget.left < 0) throw new Unserializable("too deep or too large");
  const kind = typeof value;
  if (value === undefined) return { t: "undefined" };
  if (value === null) return { t: "null" };
  if (kind === "boolean") return { t: "bool", v: value };
  if (kind === "number") return { t: "number", v: number(value) };
  if (kind === "bigint") return { t: "bigint", v: bigintToString(value) };
  if (kind === "string") return { t: "string", v: value };
  if (kind !== "object") throw new Unserializable(kind);
  if (isProxy(value)) throw new Unserializable("Proxy");
  const proto = getPrototypeOf(value);
  const typed = types.isTypedArray(value) ? typedArrayName(value) : undefined;
  if (typed !== undefined) {
    const items = arrayFrom(value, (x) => (typeof x === "bigint" ? bigintToString(x) : number(x)));
    return { t: "typed", kind: typed, v: items };
  }
  if (proto === PROTOS.array) return { t: "array", v: ownItems(value, depth, budget) };
  if (proto === PROTOS.map && types.isMap(value)) {
    const out = [];
    for (const [k, v] of mapEntries(value)) {
      push(out, [tagged(k, depth + 1, budget), tagged(v, depth + 1, budget)]);
    }
    return { t: "map", v: out };
  }
  if (proto === PROTOS.set && types.isSet(value)) {
    const out = [];
    for (const v of setValues(value)) push(out, tagged(v, depth + 1, budget));
    return { t: "set", v: out };
  }
  if (proto === PROTOS.object || proto === null) {
    return { t: "object", v: ownFields(value, depth, budget) };
  }
  throw new Unserializable("an object of a class");
}

function ownItems(array, depth, budget) {
  const out = [];
  const names = getOwnPropertyNames(array);
  if (getOwnPropertySymbols(array).length) throw new Unserializable("an array with symbols");
  const length = getOwnPropertyDescriptor(array, "length").value;
  if (names.length !== length + 1) throw new Unserializable("an array with holes or fields");
  for (let index = 0; index < length; index += 1) {
    push(out, tagged(data(array, String(index)), depth + 1, budget));
  }
  return out;
}

function ownFields(object, depth, budget) {
  if (getOwnPropertySymbols(object).length) throw new Unserializable("an object with symbols");
  const out = [];
  for (const name of getOwnPropertyNames(object)) {
    push(out, [name, tagged(data(object, name), depth + 1, budget)]);
  }
  return out;
}

function data(holder, name) {
  const field = getOwnPropertyDescriptor(holder, name);
  if (!field || !("value" in field)) throw new Unserializable("a getter");
  return field.value;
}

// the realm's own error classes, taken before the solution can replace them
const BUILTIN_ERRORS = new Map(
  [Error, TypeError, RangeError, SyntaxError, ReferenceError, EvalError, URIError, AggregateError]
    .map((ctor) => [ctor.prototype, ctor.name]),
);

function errorNames(error) {
  // A builtin's name counts only where the prototype is the realm's own; any other
  // class is known by its name alone (a class of the snippet).
  const names = [];
  let proto = error !== null && typeof error === "object" ? getPrototypeOf(error) : null;
  while (proto && names.length < 20) {
    const builtin = BUILTIN_ERRORS.get(proto);
    if (builtin !== undefined) {
      push(names, builtin);
    } else {
      const ctor = getOwnPropertyDescriptor(proto, "constructor");
      const name =
        ctor && typeof ctor.value === "function" ? getOwnPropertyDescriptor(ctor.value, "name") : null;
      if (name && typeof name.value === "string" && !BUILTIN_NAMES.has(name.value)) {
        push(names, name.value);
      }
    }
    proto = getPrototypeOf(proto);
  }
  return names;
}

const BUILTIN_NAMES = new Set(BUILTIN_ERRORS.values());

async function one(fn, job, spec) {
  let args;
  try {
    args = (0, eval)(`[${spec.args.join(", ")}]`);
  } catch (error) {
    return { error: `arguments: ${errorNames(error)[0] ?? typeof error}` };
  }
  let value;
  try {
    callContext.f = fn;
    callContext.args = args;
    try {
      value = runInContext(callScript, callContext, { timeout: CALL_MS });
    } catch (error) {
      if (error !== null && typeof error === "object" && error.code === "ERR_SCRIPT_EXECUTION_TIMEOUT") {
        return { error: `the call ran over ${CALL_MS} ms` };
      }
      throw error;
    }
    if (value !== null && typeof value === "object" && getPrototypeOf(value) === PROTOS.promise) {
      value = await value;
    }
  } catch (error) {
    const names = errorNames(error);
    return { raises: names, own: names[0] ?? typeof error };
  }
  try {
    return { value: tagged(value, 0, { left: MAX_ITEMS }) };
  } catch (error) {
    if (error instanceof Unserializable) return { error: `unserializable result: ${error.message}` };
    return { error: "unserializable result" };
  }
}

async function main() {
  const job = parse(readFileSync("cases.json", "utf8"));
  let payload;
  try {
    const solution = await import("./solution.mjs");
    const fn = solution[job.entry];
    if (typeof fn !== "function") throw new Error(`no function ${job.entry}`);
    const results = [];
    for (const spec of job.cases) push(results, await one(fn, job, spec));
    payload = { results };
  } catch (error) {
    payload = { error: `import: ${errorNames(error)[0] ?? typeof error}` };
  }
  writeSync(1, MARKER + stringify(payload) + "\n");
}

await main();
