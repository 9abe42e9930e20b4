/**
 * CSV as RFC 4180 writes it (CRLF line ends; a field holding a comma, a double
 * quote, CR or LF is quoted, with its quotes doubled), made safe to open in a
 * spreadsheet: a cell that starts with `=`, `+`, `-`, `@`, tab or CR would be
 * read as a formula there, so it gets a leading `'` and reads as text.
 */
const formulaStart = /^[=+\-@\t\r]/;
const needsQuotes = /[",\r\n]/;

function csvCell(value: string | null): string {
  if (value === null) return '';
  const text = formulaStart.test(value) ? `'${value}` : value;
  return needsQuotes.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

export function csvRow(values: ReadonlyArray<string | null>): string {
  return `${values.map(csvCell).join(',')}\r\n`;
}
