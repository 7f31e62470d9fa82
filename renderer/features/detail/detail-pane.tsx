import { useRef, type PointerEvent, type ReactNode } from 'react';
import { useApp, useAppStore } from '../../app-context.tsx';
import { setDetailHeight, setDetailTab } from '../../store/actions.ts';
import type { DetailTab } from '../../store/ui-settings.ts';
import { FilesTab } from './files-tab.tsx';
import { GeneralTab } from './general-tab.tsx';
import { PeersTab } from './peers-tab.tsx';
import { PiecesTab } from './pieces-tab.tsx';
import { SpeedTab } from '../speed/speed-tab.tsx';
import { TrackersTab } from './trackers-tab.tsx';

const TABS: ReadonlyArray<[DetailTab, string]> = [['general', 'General'], ['pieces', 'Pieces'], ['peers', 'Peers'], ['files', 'Files'], ['trackers', 'Trackers'], ['speed', 'Speed']];

function TabBody({ tab }: { tab: DetailTab }): ReactNode {
  const focused = useApp((s) => s.focused);
  const summary = useApp((s) => (s.focused === null ? undefined : s.torrents.get(s.focused)));
  const detail = useApp((s) => s.detail);
  if (focused === null || !summary) return <div className="tab-empty">Select a torrent to see its details.</div>;
  if (tab === 'general') return <GeneralTab t={summary} />;
  if (tab === 'speed') return <SpeedTab id={focused} />;
  if (!detail || detail.id !== focused) return <div className="tab-empty">Loading…</div>;
  switch (tab) {
    case 'pieces': return <PiecesTab detail={detail} />;
    case 'peers': return <PeersTab peers={detail.peers} />;
    case 'files': return <FilesTab id={detail.id} update={detail} />;
    case 'trackers': return <TrackersTab id={detail.id} trackers={detail.trackers} />;
  }
}

export function DetailPane(): ReactNode {
  const store = useAppStore();
  const tab = useApp((s) => s.uiSettings.detailTab);
  const height = useApp((s) => s.uiSettings.detailHeight);
  const peerCount = useApp((s) => s.detail?.peers.length);
  const drag = useRef<{ y: number; h: number } | null>(null);
  const onDown = (e: PointerEvent<HTMLDivElement>): void => {
    drag.current = { y: e.clientY, h: height };
    e.currentTarget.setPointerCapture(e.pointerId);
  };
  const onMove = (e: PointerEvent<HTMLDivElement>): void => {
    if (drag.current) setDetailHeight(store, drag.current.h + drag.current.y - e.clientY);
  };
  return (
    <section className="detail-pane" style={{ height }} aria-label="Torrent details">
      <div className="splitter" role="separator" aria-orientation="horizontal" onPointerDown={onDown} onPointerMove={onMove}
        onPointerUp={() => { drag.current = null; }} />
      <div className="tabs" role="tablist">
        {TABS.map(([k, label]) => (
          <button key={k} type="button" role="tab" aria-selected={tab === k} className={`tab${tab === k ? ' active' : ''}`} onClick={() => setDetailTab(store, k)}>
            {label}{k === 'peers' && peerCount !== undefined ? ` (${peerCount})` : ''}
          </button>
        ))}
      </div>
      <div className="tab-body" role="tabpanel"><TabBody tab={tab} /></div>
    </section>
  );
}
