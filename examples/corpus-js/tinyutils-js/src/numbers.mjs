/** Limit value to the closed range [low, high]. */
export function clamp(value, low, high) {
  if (low > high) {
    throw new RangeError("low must not exceed high");
  }
  return Math.min(Math.max(value, low), high);
}

const DIGITS = "0123456789abcdefghijklmnopqrstuvwxyz";

/** Write a non-negative integer in a base from 2 to 36. */
export function toBase(number, base) {
  if (base < 2 || base > 36) {
    throw new RangeError("base must be between 2 and 36");
  }
  if (number < 0) {
    throw new RangeError("number must not be negative");
  }
  if (number === 0) {
    return "0";
  }
  let out = "";
  while (number > 0) {
    out = DIGITS[number % base] + out;
    number = Math.floor(number / base);
  }
  return out;
}

/** The median of a non-empty list of numbers (the mean of the middle two for an even count). */
export const median = (values) => {
  if (values.length === 0) {
    throw new RangeError("values must not be empty");
  }
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
};

/** A random pick: not a pure function, so the miner leaves it. */
export function pick(items) {
  return items[Math.floor(Math.random() * items.length)];
}
