import { useEffect, type ReactNode } from 'react';
import { useApp, useAppStore } from '../app-context.tsx';
import { dismissToast } from '../store/actions.ts';
import type { Toast } from '../store/state.ts';
import { Icon } from './icons.tsx';

/** Errors stay until dismissed; warnings and news fade after a while. */
const AUTO_DISMISS_MS: Record<Toast['severity'], number> = { error: 0, warning: 10_000, info: 4_000 };

function ToastItem({ t }: { t: Toast }): ReactNode {
  const store = useAppStore();
  useEffect(() => {
    const ms = AUTO_DISMISS_MS[t.severity];
    if (!ms) return;
    const timer = setTimeout(() => dismissToast(store, t.id), ms);
    return () => clearTimeout(timer);
  }, [store, t.id, t.severity, t.at]);
  return (
    <div className={`toast toast-${t.severity}`} role={t.severity === 'error' ? 'alert' : 'status'}>
      <div className="toast-body">
        {t.torrentName !== undefined && <div className="toast-torrent">{t.torrentName}</div>}
        <div className="toast-message">{t.message}{t.count > 1 && <span className="toast-count"> ×{t.count}</span>}</div>
        {t.detail !== undefined && <details className="toast-detail"><summary>Details</summary><code>{t.detail}</code></details>}
      </div>
      <button type="button" className="toast-close" aria-label="Dismiss" onClick={() => dismissToast(store, t.id)}><Icon name="close" size={14} /></button>
    </div>
  );
}

export function Toasts(): ReactNode {
  const toasts = useApp((s) => s.toasts);
  return <div className="toasts" aria-live="polite">{toasts.map((t) => <ToastItem key={t.id} t={t} />)}</div>;
}
