import { lazy, type ReactElement } from 'react';
import { AccountPage } from './pages/account/AccountPage';
import { HistoryPage } from './pages/history/HistoryPage';
import { ImportPage } from './pages/import/ImportPage';
import { LibraryPage } from './pages/library/LibraryPage';
import { PlaylistPage } from './pages/playlists/PlaylistPage';
import { PlaylistsPage } from './pages/playlists/PlaylistsPage';
import { SmartPlaylistEditorPage } from './pages/smart/SmartPlaylistEditorPage';
import { SmartPlaylistsPage } from './pages/smart/SmartPlaylistsPage';
import { SpotifyPage } from './pages/spotify/SpotifyPage';

// The statistics pages carry the chart library (most of the bundle): loaded when first opened.
const StatsPage = lazy(() =>
  import('./pages/stats/StatsPage').then((m) => ({ default: m.StatsPage })),
);
const ArtistStatsPage = lazy(() =>
  import('./pages/stats/ArtistStatsPage').then((m) => ({ default: m.ArtistStatsPage })),
);
const TrackStatsPage = lazy(() =>
  import('./pages/stats/TrackStatsPage').then((m) => ({ default: m.TrackStatsPage })),
);

export interface Page {
  path: string;
  element: ReactElement;
  /** its label in the main navigation, if it has one */
  nav?: string;
}

/** Every page of the app; each lives in its own folder under pages/. */
export const PAGES: Page[] = [
  { path: '/', element: <LibraryPage />, nav: 'Library' },
  { path: '/playlists', element: <PlaylistsPage />, nav: 'Playlists' },
  { path: '/playlists/:id', element: <PlaylistPage /> },
  { path: '/smart', element: <SmartPlaylistsPage />, nav: 'Smart playlists' },
  { path: '/smart/new', element: <SmartPlaylistEditorPage /> },
  { path: '/smart/:id', element: <SmartPlaylistEditorPage /> },
  { path: '/stats', element: <StatsPage />, nav: 'Stats' },
  { path: '/stats/artists/:id', element: <ArtistStatsPage /> },
  { path: '/stats/tracks/:id', element: <TrackStatsPage /> },
  { path: '/history', element: <HistoryPage />, nav: 'History' },
  { path: '/import', element: <ImportPage />, nav: 'Import' },
  { path: '/spotify', element: <SpotifyPage />, nav: 'Spotify' },
  { path: '/account', element: <AccountPage />, nav: 'Account' },
];
