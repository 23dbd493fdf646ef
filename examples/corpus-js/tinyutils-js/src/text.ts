/** Turn a title into a URL slug: lower case ASCII words joined by separator. */
export function slugify(title: string, separator: string = "-"): string {
  const words = title.toLowerCase().match(/[a-z0-9]+/g) ?? [];
  return words.join(separator);
}

/** The string with its first letter upper-cased and the rest left as they are. */
export const capitalize = (text: string): string => {
  if (text.length === 0) {
    return text;
  }
  return text[0].toUpperCase() + text.slice(1);
};

type Interval = [number, number];

/** Merge overlapping closed intervals; the result is sorted by start. */
export function mergeIntervals(intervals: Interval[]): Interval[] {
  const sorted = [...intervals].sort((a, b) => a[0] - b[0]);
  const out: Interval[] = [];
  for (const [start, end] of sorted) {
    const last = out[out.length - 1];
    if (last && start <= last[1]) {
      last[1] = Math.max(last[1], end);
    } else {
      out.push([start, end]);
    }
  }
  return out;
}

/** Count the words of a text (runs of letters, digits and apostrophes). */
export function wordCount(text: string): number {
  return (text.match(/[A-Za-z0-9']+/g) ?? []).length;
}
