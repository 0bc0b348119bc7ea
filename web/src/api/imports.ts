import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect } from 'react';
import { api, ApiError, authHeaders, type ErrorBody } from './client';

export type ImportFileKind = 'extended' | 'account_music' | 'account_podcast' | 'library';

/** What an import did (the server's ImportSummary). */
export interface ImportSummary {
  files: number;
  /** files imported whole before, known by their content and not read again (absent before 0023) */
  filesAlreadyImported?: number;
  rowsRead: number;
  playsInserted: number;
  duplicatesSkipped: number;
  belowThreshold: number;
  nonMusic: number;
  invalidRows: number;
  libraryTracks: number;
  unresolvedTracks: number;
  seconds: number;
  fileKinds: { file: string; kind: ImportFileKind | null; rows: number }[];
  errors: { file: string; message: string }[];
}

/** GET /api/imports/:id */
export interface ImportStatus {
  id: number;
  status: 'pending' | 'running' | 'completed' | 'failed' | 'cancelled';
  progress: { rows: number; bytes: number; totalBytes: number; percent: number };
  summary: ImportSummary | null;
  error: string | null;
  createdAt: string;
  finishedAt: string | null;
}

export const importFinished = (status: ImportStatus) =>
  status.status === 'completed' || status.status === 'failed' || status.status === 'cancelled';

/** How often a running import is asked for its progress. */
const POLL_MS = 1_000;

/**
 * An import's status, asked again every second until it has finished. A
 * completed import changed the library, its statistics, history, genres and
 * smart playlists: every other cached answer is stale then.
 */
export function useImportStatus(id: number | null) {
  const client = useQueryClient();
  const status = useQuery({
    queryKey: ['imports', id],
    queryFn: () => api<ImportStatus>('GET', `/imports/${id}`),
    enabled: id !== null,
    refetchInterval: (q) => (q.state.data && importFinished(q.state.data) ? false : POLL_MS),
  });
  const completed = status.data?.status === 'completed';
  useEffect(() => {
    if (!completed) return;
    void client.invalidateQueries({
      predicate: (query) => query.queryKey[0] !== 'session' && query.queryKey[0] !== 'imports',
    });
  }, [completed, client]);
  return status;
}

/**
 * Uploads the export files as multipart/form-data. XMLHttpRequest rather than
 * fetch: only it reports upload progress, which matters for a 1 GB zip.
 */
export function uploadImport(
  files: readonly File[],
  onProgress: (fraction: number) => void,
  signal?: AbortSignal,
): Promise<ImportStatus> {
  const form = new FormData();
  for (const file of files) form.append('files', file, file.name);
  return new Promise((resolve, reject) => {
    const request = new XMLHttpRequest();
    request.open('POST', '/api/imports');
    request.responseType = 'json';
    for (const [name, value] of Object.entries(authHeaders('POST'))) {
      request.setRequestHeader(name, value);
    }
    request.upload.onprogress = (event) => {
      if (event.lengthComputable) onProgress(event.loaded / event.total);
    };
    request.onload = () => {
      const body = request.response as (ImportStatus & Partial<ErrorBody>) | null;
      if (request.status >= 200 && request.status < 300 && body) return resolve(body);
      reject(
        new ApiError(request.status, {
          error: body?.error ?? 'http_error',
          message: body?.message ?? `The server answered ${request.status}`,
          details: body?.details,
        }),
      );
    };
    request.onerror = () => reject(new Error('The upload failed: is the server reachable?'));
    request.onabort = () => reject(new Error('The upload was cancelled'));
    signal?.addEventListener('abort', () => request.abort());
    request.send(form);
  });
}
