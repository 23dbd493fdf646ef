/** Split items into consecutive arrays of at most size elements. */
export function chunk(items, size) {
  if (size < 1) {
    throw new RangeError("size must be positive");
  }
  const out = [];
  for (let start = 0; start < items.length; start += size) {
    out.push(items.slice(start, start + size));
  }
  return out;
}

/** The items without repeats, in the order they first appear. */
export function dedupe(items) {
  const seen = new Set();
  const out = [];
  for (const item of items) {
    if (!seen.has(item)) {
      seen.add(item);
      out.push(item);
    }
  }
  return out;
}

/** Run-length encoding: an array of [character, count] pairs. */
export function runLength(text) {
  const out = [];
  for (const char of text) {
    const last = out[out.length - 1];
    if (last && last[0] === char) {
      last[1] += 1;
    } else {
      out.push([char, 1]);
    }
  }
  return out;
}

/** Every item of nested arrays, at any depth, in order. */
export function flatten(items) {
  const out = [];
  for (const item of items) {
    if (Array.isArray(item)) {
      out.push(...flatten(item));
    } else {
      out.push(item);
    }
  }
  return out;
}

/** How many items fall in each group that key gives them, as a Map. */
export function countBy(items, key) {
  const counts = new Map();
  for (const item of items) {
    const group = key(item);
    counts.set(group, (counts.get(group) ?? 0) + 1);
  }
  return counts;
}
