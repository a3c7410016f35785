import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { V1Pod } from '@kubernetes/client-node';

export interface RecordedRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  contentType: string | undefined;
  authorization: string | undefined;
  body: unknown;
}

/** API groups and the resources the target touches, as `GET /api/v1` and `/apis/<group>/<version>` list them. */
const resourceLists: Record<string, Array<{ name: string; kind: string }>> = {
  '/api/v1': [
    { name: 'pods', kind: 'Pod' },
    { name: 'services', kind: 'Service' },
    { name: 'persistentvolumeclaims', kind: 'PersistentVolumeClaim' },
  ],
  '/apis/apps/v1': [{ name: 'deployments', kind: 'Deployment' }],
  '/apis/leaderworkerset.x-k8s.io/v1': [{ name: 'leaderworkersets', kind: 'LeaderWorkerSet' }],
};

/**
 * A loopback stand-in for the few Kubernetes API endpoints the `kubernetes` target uses:
 * discovery, server-side apply (PATCH), DELETE, listing pods by label and a pod's log. Pods come
 * from `podScript`: each list call takes the next entry, the last one repeats.
 */
export async function startFakeKubernetesApi() {
  const requests: RecordedRequest[] = [];
  const objects = new Map<string, unknown>();
  const state = { podScript: [[]] as V1Pod[][], listCalls: 0, logs: {} as Record<string, string> };
  const server = http.createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk) => chunks.push(chunk));
    request.on('end', () => {
      const url = new URL(request.url ?? '/', 'http://fake');
      const text = Buffer.concat(chunks).toString('utf8');
      const body = text ? JSON.parse(text) : undefined;
      requests.push({
        method: request.method ?? '',
        path: url.pathname,
        query: url.searchParams,
        contentType: request.headers['content-type'],
        authorization: request.headers.authorization,
        body,
      });
      const send = (status: number, payload: unknown, type = 'application/json') => {
        response.writeHead(status, { 'content-type': type });
        response.end(typeof payload === 'string' ? payload : JSON.stringify(payload));
      };
      const resources = resourceLists[url.pathname];
      if (request.method === 'GET' && resources) {
        const groupVersion = url.pathname === '/api/v1' ? 'v1' : url.pathname.slice('/apis/'.length);
        return send(200, {
          kind: 'APIResourceList',
          apiVersion: 'v1',
          groupVersion,
          resources: resources.map((resource) => ({
            ...resource,
            namespaced: true,
            singularName: '',
            verbs: ['get', 'list', 'patch', 'delete'],
          })),
        });
      }
      const log = url.pathname.match(/^\/api\/v1\/namespaces\/[^/]+\/pods\/([^/]+)\/log$/);
      if (request.method === 'GET' && log) return send(200, state.logs[log[1]] ?? '', 'text/plain');
      if (request.method === 'GET' && /^\/api\/v1\/namespaces\/[^/]+\/pods$/.test(url.pathname)) {
        const pods = state.podScript[Math.min(state.listCalls, state.podScript.length - 1)];
        state.listCalls += 1;
        const [key, value] = (url.searchParams.get('labelSelector') ?? '=').split('=');
        return send(200, {
          kind: 'PodList',
          apiVersion: 'v1',
          metadata: {},
          items: pods.filter((pod) => pod.metadata?.labels?.[key] === value),
        });
      }
      const object = url.pathname.match(/^\/(?:api|apis\/[^/]+)\/v1\/namespaces\/([^/]+)\/([^/]+)\/([^/]+)$/);
      if (object && request.method === 'PATCH') {
        objects.set(url.pathname, body);
        return send(200, body);
      }
      if (object && request.method === 'DELETE') {
        const existed = objects.delete(url.pathname);
        return existed
          ? send(200, { kind: 'Status', apiVersion: 'v1', status: 'Success' })
          : send(404, { kind: 'Status', apiVersion: 'v1', status: 'Failure', code: 404, reason: 'NotFound' });
      }
      send(404, {
        kind: 'Status',
        apiVersion: 'v1',
        status: 'Failure',
        code: 404,
        reason: 'NotFound',
        message: `${request.method} ${url.pathname}`,
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    requests,
    objects,
    state,
    /** A kubeconfig for this server; client-node speaks plain HTTP only with TLS verification off. */
    kubeconfig: (token: string) =>
      `apiVersion: v1\nkind: Config\nclusters:\n- name: fake\n  cluster:\n    server: ${url}\n    insecure-skip-tls-verify: true\nusers:\n- name: fake\n  user:\n    token: ${token}\ncontexts:\n- name: fake\n  context:\n    cluster: fake\n    user: fake\ncurrent-context: fake\n`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

type PodState = 'unscheduled' | 'starting' | 'ready' | 'crashing' | 'bad-image';

/** A pod of deployment `name` in the given state, labelled as the rendered manifests label theirs. */
export function fakePod(name: string, podName: string, podState: PodState): V1Pod {
  const conditions = {
    unscheduled: [
      {
        type: 'PodScheduled',
        status: 'False',
        reason: 'Unschedulable',
        message: '0/3 nodes are available: 3 Insufficient nvidia.com/gpu.',
      },
    ],
    starting: [
      { type: 'PodScheduled', status: 'True' },
      { type: 'Ready', status: 'False' },
    ],
    ready: [
      { type: 'PodScheduled', status: 'True' },
      { type: 'Ready', status: 'True' },
    ],
    crashing: [
      { type: 'PodScheduled', status: 'True' },
      { type: 'Ready', status: 'False' },
    ],
    'bad-image': [
      { type: 'PodScheduled', status: 'True' },
      { type: 'Ready', status: 'False' },
    ],
  }[podState];
  const container = {
    crashing: {
      name: 'engine',
      ready: false,
      restartCount: 3,
      image: 'x',
      imageID: '',
      state: { waiting: { reason: 'CrashLoopBackOff', message: 'back-off 40s restarting failed container' } },
      lastState: { terminated: { exitCode: 1, reason: 'Error' } },
    },
    'bad-image': {
      name: 'engine',
      ready: false,
      restartCount: 0,
      image: 'x',
      imageID: '',
      state: { waiting: { reason: 'ImagePullBackOff', message: 'Back-off pulling image "vllm/vllm-openai:nope"' } },
    },
  }[podState as 'crashing' | 'bad-image'];
  return {
    metadata: { name: podName, labels: { 'app.kubernetes.io/name': name } },
    status: {
      phase: podState === 'unscheduled' ? 'Pending' : 'Running',
      conditions,
      ...(container ? { containerStatuses: [container] } : {}),
    },
  } as V1Pod;
}
