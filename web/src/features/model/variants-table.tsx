import type { Model, ModelSummary } from '../../api/types.js';
import { formatContext, formatParams } from '../../components/format.js';
import { TableScroll } from '../../components/table-scroll.js';
import { Link } from '../../router.js';

/** The family's variants (Base and Chat) with parameters, context and download links. */
export function VariantsTable({ models }: { models: Array<ModelSummary & Partial<Pick<Model, 'links'>>> }) {
  return (
    <TableScroll label="Model variants">
      <table>
        <caption className="visually-hidden">Model variants</caption>
        <thead>
          <tr>
            <th scope="col">Model</th>
            <th scope="col" className="number">
              Total Params
            </th>
            <th scope="col" className="number">
              Activated Params
            </th>
            <th scope="col" className="number">
              Context Length
            </th>
            <th scope="col">Download</th>
          </tr>
        </thead>
        <tbody>
          {models.map((model) => {
            const download = model.links?.find((link) => /hugging\s*face/i.test(link.label)) ?? model.links?.[0];
            return (
              <tr key={model.id} data-model={model.id}>
                <th scope="row">
                  <Link to={`/models/${model.id}`}>{model.name}</Link>
                </th>
                <td className="number">{formatParams(model.totalParams)}</td>
                <td className="number">{formatParams(model.activatedParams)}</td>
                <td className="number">{formatContext(model.contextLength)}</td>
                <td>
                  {download ? (
                    <a href={download.url} rel="noreferrer noopener" target="_blank">
                      🤗 {download.label}
                    </a>
                  ) : (
                    '-'
                  )}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </TableScroll>
  );
}
