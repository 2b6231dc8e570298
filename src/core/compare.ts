// The one string order used for every tie-break and sorted output: by UTF-16 code
// units, as Go's string comparison and JSON keys sort, never by locale.

export function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
