/**
 * A small, strict CSV reader (RFC 4180) for the operator-loaded tables: comma-separated, fields optionally in double
 * quotes with "" for a quote, line breaks inside quoted fields, LF, CRLF or CR line ends, an optional UTF-8 BOM.
 * Blank lines are skipped. Every malformed record is reported with its line and field number; the others are kept.
 * Pure, no I/O.
 */

export interface CsvRecord {
  /** Line (1-based) on which the record starts. */
  line: number;
  fields: string[];
}

export interface CsvProblem {
  line: number;
  /** 1-based field number, when one field is at fault. */
  field: number | null;
  messageZh: string;
  messageEn: string;
}

export function parseCsv(text: string): { records: CsvRecord[]; problems: CsvProblem[] } {
  const src = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  const records: CsvRecord[] = [];
  const problems: CsvProblem[] = [];

  let line = 1;
  let i = 0;
  while (i < src.length) {
    const startLine = line;
    const fields: string[] = [];
    let problem: CsvProblem | null = null;
    let field = '';
    let atFieldStart = true;
    let endOfRecord = false;

    while (i < src.length && !endOfRecord) {
      const ch = src[i]!;
      if (atFieldStart && ch === '"') {
        // Quoted field: read to the closing quote.
        const quoteLine = line;
        i++;
        let closed = false;
        while (i < src.length) {
          const q = src[i]!;
          if (q === '"') {
            if (src[i + 1] === '"') {
              field += '"';
              i += 2;
              continue;
            }
            i++;
            closed = true;
            break;
          }
          if (q === '\r' || q === '\n') {
            line++;
            if (q === '\r' && src[i + 1] === '\n') {
              field += '\r\n';
              i += 2;
              continue;
            }
          }
          field += q;
          i++;
        }
        if (!closed) {
          problem ??= {
            line: quoteLine,
            field: fields.length + 1,
            messageZh: `第${fields.length + 1}个字段的引号没有闭合`,
            messageEn: `Field ${fields.length + 1}: the quoted field is never closed`,
          };
          break;
        }
        atFieldStart = false;
        const next = src[i];
        if (next !== undefined && next !== ',' && next !== '\r' && next !== '\n') {
          problem ??= {
            line,
            field: fields.length + 1,
            messageZh: `第${fields.length + 1}个字段的右引号后有多余字符`,
            messageEn: `Field ${fields.length + 1}: characters after the closing quote`,
          };
          // Skip to the end of the field.
          while (i < src.length && src[i] !== ',' && src[i] !== '\r' && src[i] !== '\n') i++;
        }
        continue;
      }
      if (ch === ',') {
        fields.push(field);
        field = '';
        atFieldStart = true;
        i++;
        continue;
      }
      if (ch === '\r' || ch === '\n') {
        i += ch === '\r' && src[i + 1] === '\n' ? 2 : 1;
        line++;
        endOfRecord = true;
        break;
      }
      if (ch === '"') {
        problem ??= {
          line,
          field: fields.length + 1,
          messageZh: `第${fields.length + 1}个字段含有未加引号的双引号（含引号的字段应整体加引号，引号写两次）`,
          messageEn: `Field ${fields.length + 1}: a bare double quote (quote the whole field and double the quote)`,
        };
      }
      field += ch;
      atFieldStart = false;
      i++;
    }
    fields.push(field);

    if (problem) problems.push(problem);
    else if (!(fields.length === 1 && fields[0] === '')) records.push({ line: startLine, fields });
  }
  return { records, problems };
}
