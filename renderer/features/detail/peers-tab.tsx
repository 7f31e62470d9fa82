// Peers: the engine's current list replaces the previous one on every detail update, so peers it
// dropped (bad data, disconnects) disappear. Host names come from the engine's cached reverse DNS.
import { useMemo, useState, type ReactNode } from 'react';
import type { PeerSummary } from '../../../shared/snapshot.ts';
import { formatBytes, formatPercent, formatRate } from '../../lib/format.ts';
import { peerAddress, peerFlagLetters } from '../../lib/peer-flags.ts';

type PeerKey = 'address' | 'host' | 'client' | 'progress' | 'downRate' | 'upRate' | 'downloaded' | 'uploaded';
const COLS: ReadonlyArray<[PeerKey, string, boolean]> = [
  ['address', 'Address', false], ['host', 'Host', false], ['client', 'Client', false], ['progress', 'Progress', true],
  ['downRate', 'Down', true], ['upRate', 'Up', true], ['downloaded', 'Downloaded', true], ['uploaded', 'Uploaded', true],
];

function value(p: PeerSummary, k: PeerKey): string | number {
  switch (k) {
    case 'address': return peerAddress(p);
    case 'host': return p.hostname ?? p.ip;
    case 'client': return p.client;
    default: return p[k];
  }
}

export function PeersTab({ peers }: { peers: readonly PeerSummary[] }): ReactNode {
  const [sort, setSort] = useState<{ key: PeerKey; desc: boolean }>({ key: 'downRate', desc: true });
  const rows = useMemo(() => {
    const s = [...peers];
    const sign = sort.desc ? -1 : 1;
    s.sort((a, b) => {
      const va = value(a, sort.key), vb = value(b, sort.key);
      const c = typeof va === 'number' && typeof vb === 'number' ? va - vb : String(va).localeCompare(String(vb));
      return sign * c || (a.id < b.id ? -1 : 1);
    });
    return s;
  }, [peers, sort]);
  if (peers.length === 0) return <div className="tab-empty">No peers connected.</div>;
  return (
    <div className="table-scroll">
      <table className="data-table peers-table">
        <thead>
          <tr>
            {COLS.slice(0, 3).map(([k, label]) => <SortTh key={k} k={k} label={label} sort={sort} setSort={setSort} />)}
            <th title="D/d: downloading / wanting, U/u: uploading / wanted, K, ?, I: incoming, S: snubbed, T/H/X/L/M/W: source">Flags</th>
            {COLS.slice(3).map(([k, label]) => <SortTh key={k} k={k} label={label} sort={sort} setSort={setSort} right />)}
          </tr>
        </thead>
        <tbody>
          {rows.map((p) => {
            const flags = peerFlagLetters(p);
            return (
              <tr key={p.id}>
                <td className="mono">{peerAddress(p)}</td>
                <td className={p.hostname ? '' : 'muted'} title={p.hostname ?? 'no reverse-DNS name'}>{p.hostname ?? p.ip}</td>
                <td>{p.client || <span className="muted">unknown</span>}</td>
                <td className="mono" title={flags.map((f) => `${f.letter}: ${f.meaning}`).join('\n')}>{flags.map((f) => f.letter).join(' ')}</td>
                <td className="num">{formatPercent(p.progress)}</td>
                <td className="num">{formatRate(p.downRate)}</td>
                <td className="num">{formatRate(p.upRate)}</td>
                <td className="num">{formatBytes(p.downloaded)}</td>
                <td className="num">{formatBytes(p.uploaded)}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}

function SortTh(props: { k: PeerKey; label: string; sort: { key: PeerKey; desc: boolean }; setSort: (s: { key: PeerKey; desc: boolean }) => void; right?: boolean }): ReactNode {
  const active = props.sort.key === props.k;
  return (
    <th className={props.right ? 'num' : ''} aria-sort={active ? (props.sort.desc ? 'descending' : 'ascending') : 'none'}>
      <button type="button" onClick={() => props.setSort({ key: props.k, desc: active ? !props.sort.desc : props.right === true })}>
        {props.label}{active && (props.sort.desc ? ' ▾' : ' ▴')}
      </button>
    </th>
  );
}
