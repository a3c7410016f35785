import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { prefetch } from './api/use-resource.js';
import { App } from './app.js';
import { compareSelection } from './features/compare/compare-page.js';
import { libraryApiPath } from './features/library/library-query.js';
import { matchPath } from './router.js';
import './styles.css';

// Start the first page's data now, in parallel with React's first render (no waterfall).
const { pathname, search } = window.location;
if (pathname === '/') {
  prefetch(libraryApiPath(new URLSearchParams(search)));
  prefetch('/api/benchmarks');
}
const compareApiPath = pathname === '/compare' ? compareSelection(new URLSearchParams(search)).apiPath : null;
if (compareApiPath) prefetch(compareApiPath);
const modelRoute = matchPath('/models/:id', pathname);
if (modelRoute) prefetch(`/api/models/${encodeURIComponent(modelRoute.id)}`);

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
