import type { ReactNode } from 'react';
import { useAdminKey } from './api/admin-session.js';
import { AppHeader } from './components/app-header.js';
import { useDocumentTitle } from './components/use-document-title.js';
import { AdminLogin } from './features/admin/admin-login.js';
import { ComparePage } from './features/compare/compare-page.js';
import { DeployWizard } from './features/deploy/deploy-wizard.js';
import { DeploymentPage } from './features/deploy/deployment-page.js';
import { DeploymentsPage } from './features/deploy/deployments-page.js';
import { KeysPage } from './features/keys/keys-page.js';
import { LibraryPage } from './features/library/library-page.js';
import { ModelPage } from './features/model/model-page.js';
import { PlaygroundPage } from './features/playground/playground-page.js';
import { UsagePage } from './features/usage/usage-page.js';
import { Link, matchPath, useLocation } from './router.js';

function RequireAdmin({ children }: { children: ReactNode }) {
  return useAdminKey() ? <>{children}</> : <SignIn />;
}

function SignIn() {
  useDocumentTitle('Sign in');
  return <AdminLogin />;
}

function NotFound() {
  useDocumentTitle('Page not found');
  return (
    <div className="empty">
      <h1>Page not found</h1>
      <p>
        <Link to="/">Back to the Model Library</Link>
      </p>
    </div>
  );
}

function Page({ pathname }: { pathname: string }) {
  let params: Record<string, string> | null;
  if (pathname === '/') return <LibraryPage />;
  if ((params = matchPath('/models/:id', pathname))) return <ModelPage id={params.id} />;
  if (pathname === '/compare') return <ComparePage />;
  if ((params = matchPath('/models/:id/deploy', pathname)))
    return (
      <RequireAdmin>
        <DeployWizard modelId={params.id} />
      </RequireAdmin>
    );
  if (pathname === '/deploy')
    return (
      <RequireAdmin>
        <DeployWizard />
      </RequireAdmin>
    );
  if (pathname === '/deployments')
    return (
      <RequireAdmin>
        <DeploymentsPage />
      </RequireAdmin>
    );
  if ((params = matchPath('/deployments/:name', pathname)))
    return (
      <RequireAdmin>
        <DeploymentPage name={params.name} />
      </RequireAdmin>
    );
  if (pathname === '/playground')
    return (
      <RequireAdmin>
        <PlaygroundPage />
      </RequireAdmin>
    );
  if (pathname === '/keys')
    return (
      <RequireAdmin>
        <KeysPage />
      </RequireAdmin>
    );
  if (pathname === '/usage')
    return (
      <RequireAdmin>
        <UsagePage />
      </RequireAdmin>
    );
  return <NotFound />;
}

export function App() {
  const { pathname } = useLocation();
  return (
    <>
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <AppHeader />
      <main id="main" className="container" tabIndex={-1}>
        <Page pathname={pathname} />
      </main>
      <footer className="app-footer container">
        DevUp Gateway · OpenAI-compatible API at <code>/v1</code> · admin API at <a href="/api/openapi.json">/api/openapi.json</a>
      </footer>
    </>
  );
}
