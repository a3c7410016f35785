import { setAdminKey, useAdminKey } from '../api/admin-session.js';
import { Link, useLocation } from '../router.js';

/** `/models/:id/deploy` is the deploy wizard: it belongs to Deployments, not to the Library. */
const isDeployWizard = (path: string) => /^\/models\/[^/]+\/deploy$/.test(path);

const navigation = [
  { to: '/', label: 'Library', match: (path: string) => path === '/' || (path.startsWith('/models') && !isDeployWizard(path)) },
  { to: '/compare', label: 'Compare', match: (path: string) => path.startsWith('/compare') },
  {
    to: '/deployments',
    label: 'Deployments',
    match: (path: string) => path.startsWith('/deployments') || path.startsWith('/deploy') || isDeployWizard(path),
  },
  { to: '/playground', label: 'Playground', match: (path: string) => path.startsWith('/playground') },
  { to: '/keys', label: 'Keys', match: (path: string) => path.startsWith('/keys') },
  { to: '/usage', label: 'Usage', match: (path: string) => path.startsWith('/usage') },
];

export function AppHeader() {
  const { pathname } = useLocation();
  const adminKey = useAdminKey();
  return (
    <header className="app-header">
      <div className="app-header-inner">
        <Link to="/" className="brand" aria-label="DevUp Gateway home">
          <span className="brand-mark" aria-hidden="true">
            D
          </span>
          DevUp <span className="brand-light">Gateway</span>
        </Link>
        <nav aria-label="Main">
          <ul>
            {navigation.map((item) => (
              <li key={item.to}>
                <Link
                  to={item.to}
                  className={item.match(pathname) ? 'nav-link active' : 'nav-link'}
                  aria-current={item.match(pathname) ? 'page' : undefined}
                >
                  {item.label}
                </Link>
              </li>
            ))}
          </ul>
        </nav>
        <div className="header-session">
          {adminKey ? (
            <button type="button" className="button button-ghost" onClick={() => setAdminKey(null)}>
              Sign out
            </button>
          ) : (
            <Link to="/keys" className="button button-ghost">
              Admin sign-in
            </Link>
          )}
        </div>
      </div>
    </header>
  );
}
