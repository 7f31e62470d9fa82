import type { ReactNode } from 'react';
import type { FilePriority, FileSummary } from '../../../shared/snapshot.ts';
import { useController } from '../../app-context.tsx';
import { ProgressBar } from '../../components/progress-bar.tsx';
import { formatBytes } from '../../lib/format.ts';

const PRIORITIES: readonly FilePriority[] = ['skip', 'low', 'normal', 'high'];

export function FilesTab({ id, files }: { id: string; files: readonly FileSummary[] }): ReactNode {
  const c = useController();
  const shown = files.filter((f) => !f.padding);
  if (shown.length === 0) return <div className="tab-empty">No file list yet (fetching metadata).</div>;
  return (
    <div className="table-scroll">
      <table className="data-table">
        <thead><tr><th>Path</th><th className="num">Size</th><th>Progress</th><th>Priority</th></tr></thead>
        <tbody>
          {shown.map((f) => (
            <tr key={f.index}>
              <td title={f.path}>{f.path}</td>
              <td className="num">{formatBytes(f.length)}</td>
              <td><ProgressBar value={f.length ? f.doneBytes / f.length : 1} /></td>
              <td>
                <select value={f.priority} aria-label={`Priority of ${f.path}`}
                  onChange={(e) => void c.setFilePriority(id, f.index, e.target.value as FilePriority)}>
                  {PRIORITIES.map((p) => <option key={p} value={p}>{p === 'skip' ? "Don't download" : p[0]!.toUpperCase() + p.slice(1)}</option>)}
                </select>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
