import type { ModelDownload } from '../../api/types.js';
import { formatBytes, formatContext } from '../../components/format.js';
import { TableScroll } from '../../components/table-scroll.js';
import { Link } from '../../router.js';

/** The deploy wizard preset to a GGUF variant: the embedded target pulls it when the deployment starts. */
export function variantDeployPath(modelId: string, download: ModelDownload): string {
  const query = new URLSearchParams({ source: `hf:${download.repo}@${download.revision}`, quant: download.label });
  return `/models/${encodeURIComponent(modelId)}/deploy?${query}`;
}

/**
 * The files a hub import found, like the hub's download table: per GGUF quantization (a file or a
 * split set) or safetensors checkpoint its size, files and the planner's RAM/VRAM for one sequence,
 * with Deploy (GGUF, on the embedded engine) or Plan (safetensors, vLLM/SGLang on GPUs).
 */
export function HubDownloadsTable({ modelId, downloads }: { modelId: string; downloads: ModelDownload[] }) {
  const context = downloads.find((download) => download.memory)?.memory?.context;
  return (
    <TableScroll label="Files on the hub">
      <table data-testid="hub-downloads">
        <caption className="visually-hidden">Quantizations and files on the hub</caption>
        <thead>
          <tr>
            <th scope="col">Variant</th>
            <th scope="col">Format</th>
            <th scope="col" className="number">
              Size
            </th>
            <th scope="col" className="number">
              Files
            </th>
            <th scope="col" className="number">
              RAM{context ? ` at ${formatContext(context)}` : ''}
            </th>
            <th scope="col" className="number">
              VRAM{context ? ` at ${formatContext(context)}` : ''}
            </th>
            <th scope="col">Repo</th>
            <th scope="col">
              <span className="visually-hidden">Action</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {downloads.map((download) => (
            <tr key={`${download.repo}/${download.label}`} data-variant={download.label}>
              <th scope="row">{download.label}</th>
              <td>{download.format}</td>
              <td className="number">{formatBytes(download.bytes)}</td>
              <td className="number" title={download.files.map((file) => file.path).join('\n')}>
                {download.files.length}
              </td>
              <td className="number">{formatBytes(download.memory?.ramBytes)}</td>
              <td className="number">{formatBytes(download.memory?.vramBytes)}</td>
              <td>
                <a href={`https://huggingface.co/${download.repo}`} rel="noreferrer noopener" target="_blank">
                  {download.repo}
                </a>
              </td>
              <td>
                {download.format === 'gguf' ? (
                  <Link
                    className="button button-small button-primary"
                    to={variantDeployPath(modelId, download)}
                    aria-label={`Deploy ${download.label}`}
                  >
                    Deploy
                  </Link>
                ) : (
                  <Link
                    className="button button-small"
                    to={`/models/${encodeURIComponent(modelId)}/deploy`}
                    aria-label={`Plan ${download.label}`}
                  >
                    Plan
                  </Link>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </TableScroll>
  );
}
