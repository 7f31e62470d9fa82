// Module-level actions on the store (zustand's "actions outside the store" shape): plain
// functions, tested against a fresh store without React or a DOM.
import type { Events, Settings } from '../../shared/contract.ts';
import type { TorrentDetail, TorrentSummary } from '../../shared/snapshot.ts';
import { plainError, type PlainError } from './plain-errors.ts';
import type { AppState, AppStore, Dialog, SessionStats, StatusFilter, ToastSeverity } from './state.ts';
import type { DetailTab, ThemeChoice, UiSettings } from './ui-settings.ts';
import { computeView, countStatuses, movesInView, updateStatusCounts, type SortKey } from './view.ts';

/** At most this many toasts are kept; older ones drop off (bounded, like everything else). */
export const MAX_TOASTS = 6;

function view(s: AppState, patch: Partial<AppState>): readonly string[] {
  const torrents = patch.torrents ?? s.torrents;
  const ui = patch.uiSettings ?? s.uiSettings;
  return computeView(torrents, ui.sort, patch.filterText ?? s.filterText, patch.statusFilter ?? s.statusFilter, s.view);
}

// ---- torrents ----

export function applyTorrentsUpdate(store: AppStore, u: Events['torrents:update']): void {
  store.setState((s) => {
    if (!u.full && u.changed.length === 0 && u.removed.length === 0) return s;
    const torrents = new Map(u.full ? [] : s.torrents);
    for (const row of u.changed) torrents.set(row.id, row);
    for (const id of u.removed) torrents.delete(id);
    const patch: Partial<AppState> = { torrents };
    if (u.full) patch.statusCounts = countStatuses(torrents.values());
    else {
      // Each touched id once, old row against new (a row both changed and removed counts as removed).
      const ids = new Set<string>();
      for (const row of u.changed) ids.add(row.id);
      for (const id of u.removed) ids.add(id);
      const changes: Array<readonly [TorrentSummary | undefined, TorrentSummary | undefined]> = [];
      for (const id of ids) changes.push([s.torrents.get(id), torrents.get(id)]);
      const statusCounts = updateStatusCounts(s.statusCounts, changes);
      if (statusCounts !== s.statusCounts) patch.statusCounts = statusCounts;
    }
    const { sort } = s.uiSettings;
    const reorder = u.full || u.removed.length > 0
      || u.changed.some((row) => movesInView(s.torrents.get(row.id), row, sort, s.statusFilter));
    if (reorder) patch.view = view(s, patch);
    // Rows that are gone leave the selection (and the detail pane).
    let gone = false;
    for (const id of s.selected) if (!torrents.has(id)) { gone = true; break; }
    if (gone) patch.selected = new Set([...s.selected].filter((id) => torrents.has(id)));
    if (s.focused !== null && !torrents.has(s.focused)) { patch.focused = null; patch.detail = null; }
    if (s.anchor !== null && !torrents.has(s.anchor)) patch.anchor = null;
    // A torrent that newly entered the error state is announced once, where the user looks. A full
    // snapshot (first load, reconnect) announces nothing: those errors are old news, shown in the
    // list and counted under "Errored", and fifty toasts at start-up would bury the window.
    const toasts: Array<{ message: string; name: string }> = [];
    if (!u.full) for (const row of u.changed) {
      const before = s.torrents.get(row.id);
      if (row.error !== undefined && row.error !== before?.error) toasts.push({ message: row.error, name: row.name });
    }
    const next = { ...s, ...patch };
    let out: Partial<AppState> = patch;
    for (const t of toasts) out = { ...out, ...toastPatch({ ...next, ...out }, 'error', plainError(t.message), t.name) };
    return out;
  });
}

export function applyDetail(store: AppStore, d: TorrentDetail): void {
  // Only the focused torrent's detail is kept; a late one for a previous selection is dropped.
  if (store.getState().focused !== d.id) return;
  store.setState({ detail: d });
}

export function applySessionStats(store: AppStore, stats: SessionStats): void {
  const cur = store.getState().session;
  if (cur && cur.downRate === stats.downRate && cur.upRate === stats.upRate && cur.port === stats.port) return;
  store.setState({ session: stats });
}

// ---- selection ----

export interface ClickModifiers { toggle?: boolean; range?: boolean }

/** A click on a row: plain = only this; toggle (Ctrl/Cmd) = add/remove; range (Shift) = anchor..row. */
export function clickRow(store: AppStore, id: string, mods: ClickModifiers = {}): void {
  store.setState((s) => {
    if (mods.range && s.anchor !== null) {
      const a = s.view.indexOf(s.anchor);
      const b = s.view.indexOf(id);
      if (a >= 0 && b >= 0) {
        const [lo, hi] = a <= b ? [a, b] : [b, a];
        const range = s.view.slice(lo, hi + 1);
        const selected = new Set(mods.toggle ? [...s.selected, ...range] : range);
        return { selected, focused: id, detail: s.focused === id ? s.detail : null };
      }
    }
    if (mods.toggle) {
      const selected = new Set(s.selected);
      if (selected.has(id)) selected.delete(id); else selected.add(id);
      const focused = selected.has(id) ? id : (selected.size ? [...selected][selected.size - 1] ?? null : null);
      return { selected, anchor: id, focused, detail: s.focused === focused ? s.detail : null };
    }
    return { selected: new Set([id]), anchor: id, focused: id, detail: s.focused === id ? s.detail : null };
  });
}

/** Right-click keeps a multi-selection that contains the row, else selects just that row. */
export function contextSelect(store: AppStore, id: string): void {
  if (!store.getState().selected.has(id)) clickRow(store, id);
}

export function selectAll(store: AppStore): void {
  store.setState((s) => ({ selected: new Set(s.view) }));
}

export function clearSelection(store: AppStore): void {
  store.setState({ selected: new Set(), focused: null, anchor: null, detail: null });
}

/** Keyboard up/down: move the focus (and the selection) by `delta` rows in the view. */
export function moveFocus(store: AppStore, delta: number, extend = false): void {
  const s = store.getState();
  if (s.view.length === 0) return;
  const cur = s.focused === null ? -1 : s.view.indexOf(s.focused);
  const idx = Math.min(s.view.length - 1, Math.max(0, cur < 0 ? (delta > 0 ? 0 : s.view.length - 1) : cur + delta));
  const id = s.view[idx];
  if (id !== undefined) clickRow(store, id, { range: extend });
}

export function selectedIds(s: AppState): string[] {
  // In list order, so commands act in the order the user sees.
  return s.view.filter((id) => s.selected.has(id));
}

// ---- filter, sort, ui settings ----

export function setFilterText(store: AppStore, filterText: string): void {
  store.setState((s) => ({ filterText, view: view(s, { filterText }) }));
}

export function setStatusFilter(store: AppStore, statusFilter: StatusFilter): void {
  store.setState((s) => ({ statusFilter, view: view(s, { statusFilter }) }));
}

/** Click on a column header: same key flips the direction, a new key starts descending for numbers. */
export function sortBy(store: AppStore, key: SortKey): void {
  store.setState((s) => {
    const cur = s.uiSettings.sort;
    const desc = cur.key === key ? !cur.desc : key !== 'name' && key !== 'eta' && key !== 'status';
    const uiSettings: UiSettings = { ...s.uiSettings, sort: { key, desc } };
    return { uiSettings, view: view(s, { uiSettings }) };
  });
}

export function setDetailTab(store: AppStore, detailTab: DetailTab): void {
  store.setState((s) => ({ uiSettings: { ...s.uiSettings, detailTab } }));
}

export function setDetailHeight(store: AppStore, px: number): void {
  const detailHeight = Math.min(2000, Math.max(120, Math.round(px)));
  store.setState((s) => ({ uiSettings: { ...s.uiSettings, detailHeight } }));
}

export function setTheme(store: AppStore, theme: ThemeChoice): void {
  store.setState((s) => ({ uiSettings: { ...s.uiSettings, theme } }));
}

export function setSystemDark(store: AppStore, systemDark: boolean): void {
  store.setState({ systemDark });
}

export function resolvedTheme(s: Pick<AppState, 'uiSettings' | 'systemDark'>): 'light' | 'dark' {
  const t = s.uiSettings.theme;
  return t === 'system' ? (s.systemDark ? 'dark' : 'light') : t;
}

export function setEngineSettings(store: AppStore, engineSettings: Settings): void {
  store.setState({ engineSettings });
}

// ---- dialogs, menus, drop zone ----

export function openDialog(store: AppStore, dialog: Dialog): void { store.setState({ dialog, contextMenu: null }); }
export function closeDialog(store: AppStore): void { store.setState({ dialog: null }); }
export function openContextMenu(store: AppStore, x: number, y: number): void { store.setState({ contextMenu: { x, y } }); }
export function closeContextMenu(store: AppStore): void { if (store.getState().contextMenu) store.setState({ contextMenu: null }); }
export function setDropActive(store: AppStore, dropActive: boolean): void {
  if (store.getState().dropActive !== dropActive) store.setState({ dropActive });
}

// ---- errors and toasts ----

function toastPatch(s: AppState, severity: ToastSeverity, p: PlainError, torrentName?: string): Partial<AppState> {
  const same = s.toasts.find((t) => t.message === p.message && t.torrentName === torrentName && t.severity === severity);
  if (same) {
    // The same problem again (a tracker failing every minute): count it, do not stack it.
    return { toasts: s.toasts.map((t) => (t === same ? { ...t, count: t.count + 1, at: Date.now() } : t)) };
  }
  const toast = {
    id: s.nextToastId, severity, message: p.message, count: 1, at: Date.now(),
    ...(p.detail !== undefined ? { detail: p.detail } : {}),
    ...(torrentName !== undefined ? { torrentName } : {}),
  };
  return { toasts: [...s.toasts, toast].slice(-MAX_TOASTS), nextToastId: s.nextToastId + 1 };
}

export interface ToastOptions { torrentName?: string; /** false: the text is already written for the user. */ plain?: boolean; detail?: string }

/** Show a message. Engine text goes through plainError() unless `plain: false`. */
export function pushToast(store: AppStore, severity: ToastSeverity, message: string, opts: ToastOptions = {}): void {
  const p: PlainError = opts.plain === false ? { message } : plainError(message);
  if (opts.detail !== undefined) p.detail = opts.detail;
  store.setState((s) => toastPatch(s, severity, p, opts.torrentName));
}

export function applyEngineError(store: AppStore, e: Events['engine:error']): void {
  const name = e.id !== undefined ? store.getState().torrents.get(e.id)?.name : undefined;
  pushToast(store, e.severity, e.message, name !== undefined ? { torrentName: name } : {});
}

export function dismissToast(store: AppStore, id: number): void {
  store.setState((s) => ({ toasts: s.toasts.filter((t) => t.id !== id) }));
}
