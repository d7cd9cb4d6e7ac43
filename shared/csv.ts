// CSV (and spreadsheet) files the app writes. A cell that begins with = + - @ (or a tab or
// carriage return) is read by Excel and WPS as a formula: a member named "=HYPERLINK(…)" would
// run it on the secretary's machine. Such cells are written with a leading apostrophe, which the
// spreadsheet hides and treats as text (OWASP "CSV injection"); our own importer strips it again.

const FORMULA_START = /^[=+\-@\t\r]/;

/** One cell: neutralised if it could be read as a formula, quoted if it holds a separator. */
export function csvCell(value: string): string {
  const safe = FORMULA_START.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

/** A whole file: a byte-order mark (Excel then reads UTF-8), CRLF line ends. */
export function toCsv(rows: readonly (readonly string[])[]): string {
  return "\uFEFF" + rows.map((r) => r.map(csvCell).join(",")).join("\r\n") + "\r\n";
}

/** A cell read back from a file we (or a careful spreadsheet) wrote: the protective apostrophe removed. */
export const unprotectCell = (value: string) => value.replace(/^'(?=[=+\-@\t\r])/, "");
