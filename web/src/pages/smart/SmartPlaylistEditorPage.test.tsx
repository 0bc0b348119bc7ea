// @vitest-environment happy-dom
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { cleanup, fireEvent, render, screen, within } from '@testing-library/react';
import { MemoryRouter, Route, Routes } from 'react-router';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { SmartPlaylist } from '../../api/smart-playlists';
import { SmartPlaylistEditorPage } from './SmartPlaylistEditorPage';

const SAVED: SmartPlaylist = {
  id: 5,
  name: 'Loved lately',
  description: null,
  match: 'all',
  rules: [
    { field: 'RATING', operator: 'GREATER_EQUAL', value: 4 },
    { field: 'IN_PLAYLIST', operator: 'EQUALS', value: { playlistId: 99 } },
  ],
  limit: null,
  evaluatedAt: '2026-05-01T10:00:00Z',
  createdAt: '2026-05-01T10:00:00Z',
  updatedAt: '2026-05-01T10:00:00Z',
  trackCount: 3,
};

type Answer = { status: number; body: unknown };
let answers: Record<string, (body: unknown) => Answer>;
let requests: { method: string; path: string; body: unknown }[];

const json = (status: number, body: unknown) => ({ status, body });

beforeEach(() => {
  requests = [];
  answers = {
    'GET /api/smart-playlists/5': () => json(200, SAVED),
    'GET /api/smart-playlists': () => json(200, { items: [] }),
    'GET /api/tags': () => json(200, { items: [] }),
    'GET /api/genres': () => json(200, { items: [] }),
    'GET /api/playlists': () => json(200, { items: [{ id: 7, name: 'Mine' }] }),
    'POST /api/smart-playlists/preview': () =>
      json(200, { items: [], nextCursor: null, count: 2, durationMs: 420_000 }),
  };
  vi.stubGlobal('fetch', (url: string, init: RequestInit = {}) => {
    const method = init.method ?? 'GET';
    const path = new URL(url, 'http://spotlib.test').pathname;
    const body: unknown = typeof init.body === 'string' ? JSON.parse(init.body) : undefined;
    requests.push({ method, path, body });
    const answer = answers[`${method} ${path}`];
    const { status, body: payload } = answer
      ? answer(body)
      : json(404, { error: 'not_found', message: `no ${method} ${path} in this test` });
    return Promise.resolve(
      new Response(JSON.stringify(payload), {
        status,
        headers: { 'content-type': 'application/json' },
      }),
    );
  });
});

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

function renderEditor(path = '/smart/5') {
  const client = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  render(
    <QueryClientProvider client={client}>
      <MemoryRouter initialEntries={[path]}>
        <Routes>
          <Route path="/smart/new" element={<SmartPlaylistEditorPage />} />
          <Route path="/smart/:id" element={<SmartPlaylistEditorPage />} />
        </Routes>
      </MemoryRouter>
    </QueryClientProvider>,
  );
}

describe('the smart playlist editor page', () => {
  it('shows the live count of the rules as they are', async () => {
    renderEditor();
    const status = within(await screen.findByRole('region', { name: 'Preview' })).getByRole(
      'status',
    );
    await vi.waitFor(() => expect(status.textContent).toBe('2 tracks · 7 min'));
    expect(requests.find((r) => r.path === '/api/smart-playlists/preview')?.body).toEqual({
      match: 'all',
      rules: SAVED.rules,
      limit: null,
    });
  });

  it('puts a preview’s invalid_rules at the rule its path names', async () => {
    answers['POST /api/smart-playlists/preview'] = () =>
      json(400, {
        error: 'invalid_rules',
        message: 'rules[1].value: no playlist 99 of yours',
        details: { issues: [{ path: 'rules[1].value', message: 'no playlist 99 of yours' }] },
      });
    renderEditor();
    const rule = await screen.findByRole('group', { name: 'Rule 2' });
    await vi.waitFor(() =>
      expect(within(rule).getByRole('alert').textContent).toBe('no playlist 99 of yours'),
    );
    expect(within(rule).getByLabelText('Rule 2 value').getAttribute('aria-invalid')).toBe('true');
    expect(within(screen.getByRole('group', { name: 'Rule 1' })).queryByRole('alert')).toBeNull();

    // another playlist: the old message no longer applies to what is on screen
    answers['POST /api/smart-playlists/preview'] = () =>
      json(200, { items: [], nextCursor: null, count: 0, durationMs: 0 });
    fireEvent.change(within(rule).getByLabelText('Rule 2 value'), {
      target: { value: 'playlist:7' },
    });
    expect(within(rule).queryByRole('alert')).toBeNull();
  });

  it('shows a refused save’s messages at the name and at the rule', async () => {
    answers['PUT /api/smart-playlists/5'] = () =>
      json(400, {
        error: 'validation_failed',
        message: 'name: name must not be blank; rules[0].value: RATING is at most 5',
        details: {
          issues: [
            { path: 'name', message: 'name must not be blank' },
            { path: 'rules[0].value', message: 'RATING is at most 5' },
          ],
        },
      });
    renderEditor();
    const name = await screen.findByLabelText('Name');
    fireEvent.change(name, { target: { value: ' ' } });
    fireEvent.click(screen.getByRole('button', { name: 'Save' }));
    const rule = screen.getByRole('group', { name: 'Rule 1' });
    await vi.waitFor(() =>
      expect(within(rule).getByRole('alert').textContent).toBe('Rating is at most 5'),
    );
    expect(name.getAttribute('aria-invalid')).toBe('true');
    expect(screen.getByText('name must not be blank')).toBeTruthy();
    expect(requests.find((r) => r.method === 'PUT')?.body).toMatchObject({
      name: ' ',
      rules: SAVED.rules,
    });
  });
});
