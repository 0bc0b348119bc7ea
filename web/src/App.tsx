import { Suspense } from 'react';
import { NavLink, Route, Routes } from 'react-router';
import { useSession } from './api/session';
import { DemoBanner } from './components/DemoBanner';
import { SignOutButton } from './pages/account/SignOutButton';
import { SignInPage } from './pages/account/SignInPage';
import { PAGES } from './routes';

/** The shell: the signed-in user's pages, or the sign-in page (multi-user mode). */
export function App() {
  const session = useSession();
  if (session.isPending) return <p className="status">Loading…</p>;
  if (session.isError) return <p className="status error">{session.error.message}</p>;
  if (!session.data.user) return <SignInPage />;
  return (
    <div className="shell">
      <DemoBanner />
      <header className="topbar">
        <a className="brand" href="/">
          Spotlib
        </a>
        <nav aria-label="Main">
          {PAGES.filter((page) => page.nav).map((page) => (
            <NavLink key={page.path} to={page.path} end={page.path === '/'}>
              {page.nav}
            </NavLink>
          ))}
        </nav>
        {session.data.mode === 'multi' && <SignOutButton username={session.data.user.username} />}
      </header>
      <main>
        <Suspense fallback={<p className="status">Loading…</p>}>
          <Routes>
            {PAGES.map((page) => (
              <Route key={page.path} path={page.path} element={page.element} />
            ))}
            <Route path="*" element={<p className="status">Nothing here.</p>} />
          </Routes>
        </Suspense>
      </main>
    </div>
  );
}
