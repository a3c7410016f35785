import { Fragment, useState } from 'react';
import { request } from '../../api/client.js';
import type { DeploymentEvent } from '../../api/types.js';
import { usePolling, useResource } from '../../api/use-resource.js';
import { CodeTabs } from '../../components/code-tabs.js';
import { formatClock } from '../../components/format.js';
import { ErrorNotice, Loading, StateBadge } from '../../components/status.js';
import { TableScroll } from '../../components/table-scroll.js';
import { useDocumentTitle } from '../../components/use-document-title.js';
import { Link, navigate } from '../../router.js';
import { codeSnippets } from './code-snippets.js';
import type { DeploymentDetails } from './deployment-details.js';
import { PullProgress } from './pull-progress.js';

const settling = new Set(['pending', 'provisioning', 'loading']);

/** `/deployments/:name`: live state (polled), targets, events, logs and how to call it. */
export function DeploymentPage({ name }: { name: string }) {
  useDocumentTitle(name, 'Deployments');
  const base = `/api/deployments/${encodeURIComponent(name)}`;
  const deployment = useResource<DeploymentDetails>(base);
  const events = useResource<{ data: DeploymentEvent[] }>(`${base}/events`);
  const logs = useResource<{ data: Array<{ target: string; line: string }> }>(`${base}/logs`);
  const [actionError, setActionError] = useState<Error>();
  const live = settling.has(deployment.data?.state ?? 'pending');
  usePolling(deployment.reload, live ? 1000 : 5000);
  usePolling(events.reload, live ? 1000 : 5000);
  usePolling(logs.reload, live ? 1500 : 5000);

  const act = async (action: () => Promise<unknown>, after?: () => void) => {
    setActionError(undefined);
    try {
      await action();
      after ? after() : deployment.reload();
    } catch (failure) {
      setActionError(failure as Error);
    }
  };

  if (deployment.error && !deployment.data) return <ErrorNotice error={deployment.error} />;
  const data = deployment.data;
  if (!data) return <Loading />;
  const eventList = events.data?.data ?? [];
  const logLines = (logs.data?.data ?? []).map((entry) => entry.line);

  return (
    <>
      <p className="breadcrumb">
        <Link to="/deployments">Deployments</Link> / {data.name}
      </p>
      <header className="model-header">
        <div>
          <h1>{data.name}</h1>
          <p className="row" data-testid="deployment-state">
            <StateBadge state={data.state} />
            {data.model && (
              <span className="muted">
                model <Link to={`/models/${data.model}`}>{data.model}</Link>
              </span>
            )}
          </p>
          {data.reason && <p className={data.state === 'failed' ? 'notice notice-error' : 'muted'}>{data.reason}</p>}
        </div>
        <div className="row">
          <Link
            className={`button ${data.state === 'ready' ? 'button-primary' : ''}`}
            to={`/playground?deployment=${encodeURIComponent(data.name)}`}
          >
            Open in playground
          </Link>
          {data.state === 'stopped' || data.state === 'failed' ? (
            <button type="button" className="button" onClick={() => act(() => request(`${base}/start`, { method: 'POST' }))}>
              Start
            </button>
          ) : (
            <button type="button" className="button" onClick={() => act(() => request(`${base}/stop`, { method: 'POST' }))}>
              Stop
            </button>
          )}
          <button
            type="button"
            className="button button-danger"
            onClick={() =>
              window.confirm(`Delete deployment ${data.name}?`) &&
              act(
                () => request(base, { method: 'DELETE' }),
                () => navigate('/deployments'),
              )
            }
          >
            Delete
          </button>
        </div>
      </header>
      {actionError && <ErrorNotice error={actionError} />}

      <section className="panel">
        <h2>Targets</h2>
        <TableScroll label="Targets">
          <table>
            <thead>
              <tr>
                <th scope="col">Target</th>
                <th scope="col">Kind</th>
                <th scope="col">Status</th>
                <th scope="col">Address</th>
                <th scope="col">Detail</th>
              </tr>
            </thead>
            <tbody>
              {data.targets.map((target) => (
                <Fragment key={target.id}>
                  <tr>
                    <td>{target.label}</td>
                    <td>{target.kind}</td>
                    <td>
                      <StateBadge state={target.status} />
                    </td>
                    <td>{target.address ?? '-'}</td>
                    <td className="muted">{target.detail ?? '-'}</td>
                  </tr>
                  {target.progress && (
                    <tr>
                      <td colSpan={5}>
                        <PullProgress progress={target.progress} />
                      </td>
                    </tr>
                  )}
                </Fragment>
              ))}
            </tbody>
          </table>
        </TableScroll>
      </section>

      <section className="panel">
        <h2>Call it</h2>
        <p className="muted">
          Clients send <code>{data.name}</code> as the model. Create a key on the <Link to="/keys">Keys</Link> page and export it as{' '}
          <code>DEVUP_API_KEY</code>.
        </p>
        <CodeTabs samples={codeSnippets(data.name, window.location.origin)} />
      </section>

      <div className="two-columns">
        <section className="panel">
          <h2>Events</h2>
          {eventList.length === 0 ? (
            <p className="muted">No events yet.</p>
          ) : (
            <ol className="events" data-testid="deployment-events">
              {[...eventList].reverse().map((event, index) => (
                <li key={`${event.at}-${index}`}>
                  <time dateTime={String(event.at)} title={String(event.at)}>
                    {formatClock(event.at)}
                  </time>
                  <strong>{event.type}</strong>
                  <span>{event.message}</span>
                </li>
              ))}
            </ol>
          )}
        </section>
        <section className="panel">
          <h2>Logs</h2>
          {logs.error ? (
            <p className="muted">No logs: {logs.error.message}</p>
          ) : (
            <pre className="log">{logLines.length ? logLines.join('\n') : 'No log lines yet.'}</pre>
          )}
        </section>
      </div>
    </>
  );
}
