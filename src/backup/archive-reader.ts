import { describeZodIssues } from '../common/errors/zod-issues.js';
import {
  BACKUP_FORMAT,
  BACKUP_VERSION,
  headerSchema,
  isRecordType,
  rankOf,
  recordSchema,
  type ArchiveRecord,
  type BackupHeader,
} from './archive-format.js';
import { BackupFileError, type ArchiveLine } from './archive-file.js';

export interface ReadRecord {
  line: number;
  record: ArchiveRecord;
  bytesRead: number;
}

/**
 * The archive's records, validated one by one: first its header (format and
 * version), then records of known types in dependency order. Anything else
 * stops the read with a BackupFileError naming the line.
 */
export async function* readRecords(
  lines: AsyncIterable<ArchiveLine>,
  onHeader: (header: BackupHeader) => void = () => undefined,
): AsyncGenerator<ReadRecord> {
  let headerRead = false;
  let rank = 0;
  for await (const { number, text, bytesRead } of lines) {
    if (text.trim() === '') continue;
    const value = parseLine(text, number);
    if (!headerRead) {
      onHeader(parseHeader(value, number));
      headerRead = true;
      continue;
    }
    const record = parseRecord(value, number);
    const recordRank = rankOf(record.type);
    if (recordRank < rank) {
      throw new BackupFileError(
        `a ${record.type} record after later records: out of order`,
        number,
      );
    }
    rank = recordRank;
    yield { line: number, record, bytesRead };
  }
  if (!headerRead) throw new BackupFileError('the file is empty: not a Spotlib backup');
}

function parseLine(text: string, line: number): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw new BackupFileError('not a JSON record', line);
  }
}

function parseHeader(value: unknown, line: number): BackupHeader {
  const { format, version } = (value ?? {}) as { format?: unknown; version?: unknown };
  if (format !== BACKUP_FORMAT) {
    throw new BackupFileError(`not a Spotlib backup (no "${BACKUP_FORMAT}" header)`, line);
  }
  if (typeof version === 'number' && version > BACKUP_VERSION) {
    throw new BackupFileError(
      `the backup is format version ${version}, written by a newer Spotlib; this one reads version ${BACKUP_VERSION}: upgrade Spotlib to restore it`,
      line,
    );
  }
  const header = headerSchema.safeParse(value);
  if (!header.success || header.data.version !== BACKUP_VERSION) {
    throw new BackupFileError(
      `invalid header: ${header.success ? `unknown version ${String(version)}` : issues(header.error)}`,
      line,
    );
  }
  return header.data;
}

function parseRecord(value: unknown, line: number): ArchiveRecord {
  const type = (value as { type?: unknown } | null)?.type;
  if (!isRecordType(type) || type === 'header') {
    throw new BackupFileError(`unknown record type ${JSON.stringify(type)}`, line);
  }
  const parsed = recordSchema(type).safeParse(value);
  if (!parsed.success) {
    throw new BackupFileError(`invalid ${type} record: ${issues(parsed.error)}`, line);
  }
  return parsed.data;
}

function issues(error: Parameters<typeof describeZodIssues>[0]): string {
  return describeZodIssues(error)
    .slice(0, 5)
    .map((i) => `${i.path}: ${i.message}`)
    .join('; ');
}
