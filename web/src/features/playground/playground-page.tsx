import { useRef, useState, type FormEvent } from 'react';
import { useAdminKey } from '../../api/admin-session.js';
import { useResource } from '../../api/use-resource.js';
import { formatNumber } from '../../components/format.js';
import { EmptyState, ErrorNotice } from '../../components/status.js';
import { useDocumentTitle } from '../../components/use-document-title.js';
import { Link, navigate, useLocation } from '../../router.js';
import type { DeploymentDetails } from '../deploy/deployment-details.js';
import { chatDialectOf, chatDialects, type ChatMessage } from './chat-dialects.js';
import { streamChat, type StreamStats } from './stream-chat.js';

/**
 * `/playground`: chat with a ready deployment through `/v1`, streamed, in the API chosen (Chat
 * Completions, Responses or Messages: `?api=`, each through its own route). It authenticates with
 * the session's admin key, which the gateway accepts on `/v1` for every deployment (requests show
 * in usage with no user key).
 */
export function PlaygroundPage() {
  useDocumentTitle('Playground');
  const { query } = useLocation();
  const token = useAdminKey() ?? '';
  const deployments = useResource<{ data: DeploymentDetails[] }>('/api/deployments');
  const list = deployments.data?.data ?? [];
  const ready = list.filter((deployment) => deployment.state === 'ready' || deployment.state === 'degraded');
  const deployment = query.get('deployment') ?? ready[0]?.name ?? '';
  const dialect = chatDialectOf(query.get('api'));
  // The view is the URL: the deployment and the API chosen, the API left out when it is the default.
  const show = (next: { deployment?: string; api?: string }) => {
    const params = new URLSearchParams();
    const chosen = next.deployment ?? deployment;
    if (chosen) params.set('deployment', chosen);
    const api = next.api ?? dialect.id;
    if (api !== chatDialects[0].id) params.set('api', api);
    navigate(`/playground?${params}`, { replace: true });
  };
  const [system, setSystem] = useState('You are a helpful assistant.');
  const [chosenTemperature, setTemperature] = useState(0.7);
  const temperature = Math.min(chosenTemperature, dialect.maxTemperature);
  const [maxTokens, setMaxTokens] = useState(256);
  const [messages, setMessages] = useState<ChatMessage[]>([]);
  const [draft, setDraft] = useState('');
  const [streaming, setStreaming] = useState(false);
  const [stats, setStats] = useState<StreamStats>();
  const [error, setError] = useState<Error>();
  const controller = useRef<AbortController | null>(null);

  const send = async (event: FormEvent) => {
    event.preventDefault();
    if (!draft.trim() || !deployment) return;
    const history: ChatMessage[] = [...messages, { role: 'user', content: draft.trim() }];
    setMessages([...history, { role: 'assistant', content: '' }]);
    setDraft('');
    setError(undefined);
    setStats(undefined);
    setStreaming(true);
    controller.current = new AbortController();
    try {
      const result = await streamChat({
        dialect,
        deployment,
        token,
        temperature,
        maxTokens,
        signal: controller.current.signal,
        messages: system.trim() ? [{ role: 'system', content: system.trim() }, ...history] : history,
        onToken: (text) =>
          setMessages((current) => {
            const last = current[current.length - 1];
            return [...current.slice(0, -1), { ...last, content: last.content + text }];
          }),
      });
      setStats(result);
    } catch (failure) {
      if ((failure as Error).name !== 'AbortError') setError(failure as Error);
    } finally {
      setStreaming(false);
    }
  };

  return (
    <>
      <h1>Playground</h1>
      <p className="subtitle">
        Chat with a deployment through the gateway, streamed token by token, in the API your client speaks: OpenAI Chat Completions, OpenAI
        Responses or Anthropic Messages.
      </p>
      {deployments.error && <ErrorNotice error={deployments.error} />}
      {deployments.data && ready.length === 0 && !query.get('deployment') && (
        <EmptyState title="No ready deployment">
          <p>
            <Link to="/deploy">Deploy a model</Link> first; it appears here once it is ready.
          </p>
        </EmptyState>
      )}
      <div className="playground">
        <aside className="panel" aria-label="Settings">
          <div className="field">
            <label htmlFor="playground-deployment">Deployment</label>
            <select id="playground-deployment" value={deployment} onChange={(event) => show({ deployment: event.target.value })}>
              {!ready.some((entry) => entry.name === deployment) && deployment && <option value={deployment}>{deployment}</option>}
              {ready.map((entry) => (
                <option key={entry.name} value={entry.name}>
                  {entry.name}
                </option>
              ))}
            </select>
          </div>
          <div className="field">
            <label htmlFor="playground-api">API</label>
            <select id="playground-api" value={dialect.id} onChange={(event) => show({ api: event.target.value })} disabled={streaming}>
              {chatDialects.map((entry) => (
                <option key={entry.id} value={entry.id}>
                  {entry.label}
                </option>
              ))}
            </select>
            <p className="muted" data-testid="playground-route">
              <code>POST {dialect.path}</code>
            </p>
          </div>
          <div className="field">
            <label htmlFor="playground-system">System prompt</label>
            <textarea id="playground-system" rows={3} value={system} onChange={(event) => setSystem(event.target.value)} />
          </div>
          <div className="field">
            <label htmlFor="playground-temperature">Temperature: {temperature.toFixed(2)}</label>
            <input
              id="playground-temperature"
              type="range"
              min={0}
              max={dialect.maxTemperature}
              step={0.05}
              value={temperature}
              onChange={(event) => setTemperature(Number(event.target.value))}
            />
          </div>
          <div className="field">
            <label htmlFor="playground-max-tokens">Max tokens</label>
            <input
              id="playground-max-tokens"
              type="number"
              min={1}
              max={32768}
              value={maxTokens}
              onChange={(event) => setMaxTokens(Number(event.target.value))}
            />
          </div>
          <button type="button" className="button" onClick={() => (setMessages([]), setStats(undefined))} disabled={streaming}>
            Clear chat
          </button>
        </aside>
        <section className="panel chat" aria-label="Conversation">
          <div className="chat" aria-live="polite" data-testid="chat-log">
            {messages.length === 0 && <p className="muted">Send a message to start.</p>}
            {messages.map((message, index) => (
              <div key={index} className={`message message-${message.role}`} data-role={message.role}>
                <span className="message-role">{message.role}</span>
                {message.content || (streaming && index === messages.length - 1 ? '…' : '')}
              </div>
            ))}
          </div>
          {error && <ErrorNotice error={error} />}
          {stats && (
            <p className="stats" data-testid="chat-stats">
              <span>
                Tokens <strong data-stat="tokens">{stats.completionTokens}</strong>
              </span>
              <span>
                TTFT <strong data-stat="ttft">{stats.ttftMs === null ? '-' : `${formatNumber(stats.ttftMs, 0)} ms`}</strong>
              </span>
              <span>
                Speed{' '}
                <strong data-stat="tps">
                  {stats.tokensPerSecond === null ? '-' : `${formatNumber(stats.tokensPerSecond, 1)} tokens/s`}
                </strong>
              </span>
              <span>
                Total <strong>{formatNumber(stats.totalMs, 0)} ms</strong>
              </span>
              <span>
                Streamed in <strong data-stat="chunks">{stats.chunks}</strong> chunks
              </span>
              {stats.finishReason && <span>finish: {stats.finishReason}</span>}
            </p>
          )}
          <form className="composer" onSubmit={send}>
            <label htmlFor="playground-message" className="visually-hidden">
              Message
            </label>
            <textarea
              id="playground-message"
              rows={2}
              placeholder="Type a message… (Enter to send, Shift+Enter for a new line)"
              value={draft}
              onChange={(event) => setDraft(event.target.value)}
              onKeyDown={(event) => {
                if (event.key === 'Enter' && !event.shiftKey) {
                  event.preventDefault();
                  event.currentTarget.form?.requestSubmit();
                }
              }}
            />
            {streaming ? (
              <button type="button" className="button" onClick={() => controller.current?.abort()}>
                Stop
              </button>
            ) : (
              <button type="submit" className="button button-primary" disabled={!deployment || !draft.trim()}>
                Send
              </button>
            )}
          </form>
        </section>
      </div>
    </>
  );
}
