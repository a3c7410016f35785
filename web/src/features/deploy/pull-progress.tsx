import { formatBytes } from '../../components/format.js';
import type { TargetProgress } from './deployment-details.js';

/** A target's download while it starts: a bar, the share done, bytes of the total and the speed. */
export function PullProgress({ progress }: { progress: TargetProgress }) {
  const percent = progress.totalBytes ? Math.floor((progress.receivedBytes / progress.totalBytes) * 100) : null;
  return (
    <div className="pull-progress" data-testid="pull-progress">
      <progress value={progress.receivedBytes} max={progress.totalBytes ?? undefined} aria-label={`Pulling ${progress.label}`} />
      <span className="muted">
        Pulling {progress.label}: {percent === null ? '' : `${percent}% · `}
        {formatBytes(progress.receivedBytes)}
        {progress.totalBytes ? ` of ${formatBytes(progress.totalBytes)}` : ''} · {formatBytes(progress.bytesPerSecond)}/s
      </span>
    </div>
  );
}
