import { usePolling, useResource } from '../../api/use-resource.js';
import { formatTime } from '../../components/format.js';
import { EmptyState, ErrorNotice, Loading, StateBadge } from '../../components/status.js';
import { TableScroll } from '../../components/table-scroll.js';
import { useDocumentTitle } from '../../components/use-document-title.js';
import { Link } from '../../router.js';
import type { DeploymentDetails } from './deployment-details.js';

/** `/deployments`: every deployment with its live state. */
export function DeploymentsPage() {
  useDocumentTitle('Deployments');
  const deployments = useResource<{ data: DeploymentDetails[] }>('/api/deployments');
  usePolling(deployments.reload, 3000);
  const list = deployments.data?.data ?? [];
  return (
    <>
      <header className="model-header">
        <div>
          <h1>Deployments</h1>
          <p className="subtitle">
            Each deployment is a name clients send as <code>model</code>, served by one or more targets.
          </p>
        </div>
        <Link className="button button-primary" to="/deploy">
          New deployment
        </Link>
      </header>
      {deployments.error && <ErrorNotice error={deployments.error} />}
      {!deployments.data && deployments.loading && <Loading />}
      {deployments.data && list.length === 0 && (
        <EmptyState title="No deployments yet">
          <p>
            Pick a model in the <Link to="/">library</Link> and press Deploy, or <Link to="/deploy">deploy a GGUF file or an endpoint</Link>
            .
          </p>
        </EmptyState>
      )}
      {list.length > 0 && (
        <TableScroll label="Deployments">
          <table>
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">State</th>
                <th scope="col">Model</th>
                <th scope="col">Targets</th>
                <th scope="col">Updated</th>
              </tr>
            </thead>
            <tbody>
              {list.map((deployment) => (
                <tr key={deployment.name}>
                  <th scope="row" className="cell-wrap">
                    <Link to={`/deployments/${encodeURIComponent(deployment.name)}`}>{deployment.name}</Link>
                  </th>
                  <td>
                    <StateBadge state={deployment.state} />
                  </td>
                  <td>{deployment.model ? <Link to={`/models/${deployment.model}`}>{deployment.model}</Link> : '-'}</td>
                  <td>{deployment.targets.map((target) => target.kind).join(', ')}</td>
                  <td className="muted">{formatTime(deployment.updatedAt)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableScroll>
      )}
    </>
  );
}
