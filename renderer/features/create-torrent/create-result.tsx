import type { ReactNode } from 'react';
import type { CreateTorrentResult } from '../../../shared/contract.ts';
import { formatBytes } from '../../lib/format.ts';
import { downloadTorrent } from '../jobs/download.ts';

/** What a finished create job shows: hashes, magnet with Copy, where the .torrent went. */
export function CreateResultView(props: {
  result: CreateTorrentResult; name: string; savedTo: string | undefined; seeding: boolean; onCopied: (ok: boolean) => void;
}): ReactNode {
  const { result: r } = props;
  const copy = (): void => {
    navigator.clipboard.writeText(r.magnet).then(() => props.onCopied(true), () => props.onCopied(false));
  };
  return (
    <div className="create-result">
      <dl className="kv">
        <dt>Pieces</dt><dd>{r.pieceCount} × {formatBytes(r.pieceLength)}</dd>
        {r.infoHashV1 !== undefined ? <><dt>Info-hash v1</dt><dd className="mono" data-testid="infohash-v1">{r.infoHashV1}</dd></> : null}
        {r.infoHashV2 !== undefined ? <><dt>Info-hash v2</dt><dd className="mono" data-testid="infohash-v2">{r.infoHashV2}</dd></> : null}
        {props.savedTo !== undefined ? <><dt>Saved to</dt><dd className="mono">{props.savedTo}</dd></> : null}
        {props.seeding ? <><dt>Seeding</dt><dd>Added to the list and seeding from the original files.</dd></> : null}
      </dl>
      <label>Magnet link
        <span className="copy-row">
          <input type="text" readOnly value={r.magnet} aria-label="Magnet link" className="mono" onFocus={(e) => e.currentTarget.select()} />
          <button type="button" onClick={copy}>Copy</button>
        </span>
      </label>
      <p><button type="button" onClick={() => downloadTorrent(r.torrentBase64, props.name)}>Download .torrent</button></p>
    </div>
  );
}
