import { readFileSync } from "node:fs";

/** Read a file's lines: I/O, so the miner leaves it. */
export function lines(path) {
  const text = readFileSync(path, "utf8");
  return text.split("\n");
}
