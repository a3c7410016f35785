import { useEffect, useState } from 'react';
import type { Model } from '../../api/types.js';
import { useResource } from '../../api/use-resource.js';
import { formatContext, formatParams } from '../../components/format.js';
import { Heatmap } from '../../components/heatmap.js';
import { Markdown } from '../../components/markdown.js';
import { Badge, ErrorNotice, Loading } from '../../components/status.js';
import { useDocumentTitle } from '../../components/use-document-title.js';
import { Link } from '../../router.js';
import { BenchmarkTable } from './benchmark-table.js';
import { HubDownloadsTable } from './hub-downloads-table.js';
import { loadModelTables, type ModelTables } from './load-model-tables.js';
import { OpenEndedTable } from './open-ended-table.js';
import { VariantsTable } from './variants-table.js';

const isNiahNote = (note: string) => /needle in a haystack|niah/i.test(note);

/** `/models/:id`: the model card as on the source page, with its evaluation tables and Deploy. */
export function ModelPage({ id }: { id: string }) {
  const { data: model, error, reload } = useResource<Model>(`/api/models/${encodeURIComponent(id)}`);
  useDocumentTitle(model?.id === id ? model.name : id, 'Model Library');
  const [tables, setTables] = useState<ModelTables>();
  const [tablesError, setTablesError] = useState<Error>();

  useEffect(() => {
    if (!model || model.id !== id) return;
    const controller = new AbortController();
    setTables(undefined);
    loadModelTables(model, controller.signal).then(setTables, (failure: Error) => !controller.signal.aborted && setTablesError(failure));
    return () => controller.abort();
  }, [model, id]);

  if (error) return <ErrorNotice error={error} onRetry={reload} />;
  if (!model || model.id !== id) return <Loading />;
  const niahNote = model.notes.find(isNiahNote);
  const otherNotes = model.notes.filter((note) => !isNiahNote(note));
  const comparedIds = tables?.chat?.columns.map((column) => column.id) ?? tables?.base?.columns.map((column) => column.id);

  return (
    <article className="model-page">
      <p className="breadcrumb">
        <Link to="/">Model Library</Link> / {model.publisher}
      </p>
      <header className="model-header">
        <div>
          <h1>{model.name}</h1>
          <p className="muted">
            {model.publisher}
            {model.releaseDate ? ` · released ${model.releaseDate}` : ''}
            {model.license ? ` · ${model.license}` : ''}
          </p>
          <div className="badges">
            {model.architecture !== 'unknown' && <Badge tone="accent">{model.architecture}</Badge>}
            {model.variant && <Badge>{model.variant}</Badge>}
            <Badge tone={model.openWeights ? 'good' : 'neutral'}>{model.openWeights ? 'Open weights' : 'API only'}</Badge>
            {model.tags?.slice(0, 5).map((tag) => (
              <Badge key={tag}>{tag}</Badge>
            ))}
          </div>
        </div>
        <div className="row">
          {comparedIds && comparedIds.length > 1 && (
            <Link className="button" to={`/compare?models=${comparedIds.slice(-8).join(',')}`}>
              Compare
            </Link>
          )}
          <Link className="button button-primary" to={`/models/${model.id}/deploy`}>
            Deploy
          </Link>
        </div>
      </header>

      <dl className="key-specs">
        <div>
          <dt>Total params</dt>
          <dd>{formatParams(model.totalParams)}</dd>
        </div>
        <div>
          <dt>Activated params</dt>
          <dd>{formatParams(model.activatedParams)}</dd>
        </div>
        <div>
          <dt>Context length</dt>
          <dd>{formatContext(model.contextLength)}</dd>
        </div>
        <div>
          <dt>Architecture</dt>
          <dd>{model.architecture === 'unknown' ? 'Undisclosed' : model.architecture}</dd>
        </div>
      </dl>

      <section aria-labelledby="about">
        <h2 id="about">About</h2>
        <Markdown source={model.description} prose={model.results.length > 0} />
        {model.results.length > 0 && /^\|/m.test(model.description) && (
          <details className="full-card">
            <summary>Full model card as published</summary>
            <Markdown source={model.description} />
          </details>
        )}
      </section>

      <section aria-labelledby="variants">
        <h2 id="variants">Model downloads</h2>
        <VariantsTable models={tables?.family ?? [model]} />
        {otherNotes.map((note) => (
          <p key={note} className="note">
            <strong>NOTE:</strong> {note}
          </p>
        ))}
        {model.links.length > 0 && (
          <p className="row">
            {model.links.map((link) => (
              <a key={link.url} className="button button-small" href={link.url} target="_blank" rel="noreferrer noopener">
                {link.label} ↗
              </a>
            ))}
          </p>
        )}
      </section>

      {model.downloads.length > 0 && (
        <section aria-labelledby="hub-files">
          <h2 id="hub-files">Quantizations and files</h2>
          <p className="muted">
            As listed on the hub when the card was imported. RAM and VRAM are the planner’s estimate for one sequence; Deploy pulls the
            variant into the gateway and serves it on the embedded engine.
          </p>
          <HubDownloadsTable modelId={model.id} downloads={model.downloads} />
        </section>
      )}

      {tablesError && <ErrorNotice error={tablesError} />}
      {!tables && !tablesError && <Loading label="Loading evaluation results…" />}
      {tables?.base && (
        <section aria-labelledby="base-results">
          <h2 id="base-results">Base model evaluation</h2>
          <BenchmarkTable table={tables.base} caption="Base model benchmark results" withShotsColumn />
          <p className="table-note">
            Best results are in bold. Scores with a gap not exceeding 0.3 are considered to be at the same level (also bold).
          </p>
        </section>
      )}
      {(model.niah.length > 0 || niahNote) && (
        <section aria-labelledby="niah">
          <h2 id="niah">Context window</h2>
          {model.niah.length > 0 ? (
            <Heatmap title="Needle In A Haystack (NIAH): score by context length and needle depth" cells={model.niah} />
          ) : (
            <p className="note">{niahNote}</p>
          )}
        </section>
      )}
      {tables?.chat && (
        <section aria-labelledby="chat-results">
          <h2 id="chat-results">Chat model evaluation</h2>
          <BenchmarkTable table={tables.chat} caption="Chat model benchmark results" withShotsColumn={false} />
          <p className="table-note">
            Best results are in bold. Scores with a gap not exceeding 0.3 are considered to be at the same level (also bold).
          </p>
        </section>
      )}
      {tables?.openEnded && (
        <section aria-labelledby="open-ended">
          <h2 id="open-ended">Open-ended generation</h2>
          <OpenEndedTable table={tables.openEnded} />
        </section>
      )}
    </article>
  );
}
